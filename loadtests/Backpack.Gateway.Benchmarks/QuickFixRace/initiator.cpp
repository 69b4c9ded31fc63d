// The load driver of the quickfix-race benchmark: one QuickFIX C++ initiator, the same binary
// against the gateway and against the echo acceptor.
//   initiator <host> <port> <dictionary> <store dir> <sender comp id> <private key hex>
//             <pings> <in-flight orders> <window> <mass cancel every N orders, 0 = never>
// It logs on (the Logon signed with Ed25519 in toAdmin by logon_signer.h of the tests' support
// project, as the gateway requires; docs/fix.md section 2), prints READY and waits for a line on stdin. Then:
//   (a) ping-pong: <pings> NewOrderSingles one at a time (after 2,000 untimed), each timed from
//       just before sendToTarget to the arrival of its first ExecutionReport (ExecType 0) in
//       fromApp, on std::chrono::steady_clock; prints
//       PINGPONG <orders> <p50 us> <p90 us> <p99 us> <max us>
//   (b) in flight: <in-flight orders> NewOrderSingles with at most <window> unacknowledged;
//       prints INFLIGHT <orders> <window> <seconds> <acknowledged orders/s>
// Orders are limit buys of 1 SOL_USDC_PERP at 100.00 to 149.99, inside the gateway's band
// around an index of 180 and far below any ask, so they rest; with a mass cancel period the
// initiator sends an OrderMassCancelRequest (q) after that many orders and waits for its report
// (r), untimed, so the gateway's book stays small (the echo acceptor answers no q: run it with 0).
// Ends with DONE, or ERROR <text> and exit code 1 when an answer is 10 s late or QuickFIX rejects.
#include <quickfix/Application.h>
#include <quickfix/MessageStore.h>
#include <quickfix/Log.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketInitiator.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/OrderMassCancelRequest.h>
#include "logon_signer.h"
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using Clock = std::chrono::steady_clock;

// The main thread sleeps on this while it waits for answers (a spinning waiter would take a core
// from the acceptor on a small machine); fromApp wakes it.
static std::mutex waitLock;
static std::condition_variable answered;

static void wake() {
  std::lock_guard<std::mutex> lock(waitLock);
  answered.notify_all();
}

static long long nowNanos() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

class Initiator : public FIX::Application {
 public:
  explicit Initiator(std::vector<unsigned char> key) : signer(key) {}

  FIX::SessionID session;
  std::atomic<bool> loggedOn{false};
  std::atomic<long> acks{0};            // ExecutionReports with ExecType 0
  std::atomic<long long> lastAck{0};    // steady_clock nanoseconds of the latest, written before acks moves
  std::atomic<long> cancelReports{0};   // OrderMassCancelReports
  std::atomic<long> refusals{0};        // Rejects, BusinessMessageRejects, Logouts received before stopping
  std::atomic<bool> stopping{false};
  std::atomic<bool> logoutAnswered{false};

  void onCreate(const FIX::SessionID& id) override { session = id; }
  void onLogon(const FIX::SessionID&) override { loggedOn = true; }
  void onLogout(const FIX::SessionID&) override { loggedOn = false; }

  void toAdmin(FIX::Message& message, const FIX::SessionID&) override { signer.sign(message); }
  void fromAdmin(const FIX::Message& message, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {
    FIX::MsgType type;
    message.getHeader().getField(type);
    if (type.getValue() == "5" && stopping) logoutAnswered = true;
    else if (type.getValue() == "3" || type.getValue() == "5") refuse(message);
  }
  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
  void fromApp(const FIX::Message& message, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
    FIX::MsgType type;
    message.getHeader().getField(type);
    const std::string& t = type.getValue();
    if (t == "8") {
      if (message.getField(FIX::FIELD::ExecType) == "0") {
        lastAck.store(nowNanos(), std::memory_order_relaxed);
        acks.fetch_add(1, std::memory_order_release);
        wake();
      } else if (message.getField(FIX::FIELD::ExecType) == "8") {
        refuse(message);
      }
    } else if (t == "r") {
      cancelReports.fetch_add(1, std::memory_order_release);
      wake();
    } else if (t == "j") {
      refuse(message);
    }
  }

 private:
  LogonSigner signer;

  void refuse(const FIX::Message& message) {
    std::string text = message.toString();
    std::replace(text.begin(), text.end(), '\x01', '|');
    std::cerr << "refused: " << text << std::endl;
    refusals++;
  }
};

static long clOrdId = 0;
static const std::string clOrdIdPrefix = std::to_string(nowNanos()) + "-";  // ClOrdIDs stay unique across the runs of one session

static void sendOrder(const FIX::SessionID& session, long n) {
  FIX44::NewOrderSingle order{FIX::ClOrdID(clOrdIdPrefix + std::to_string(++clOrdId)), FIX::Side(FIX::Side_BUY), FIX::TransactTime(), FIX::OrdType(FIX::OrdType_LIMIT)};
  order.set(FIX::Symbol("SOL_USDC_PERP"));
  order.set(FIX::OrderQty(1));
  order.set(FIX::Price(100.0 + (n % 5000) / 100.0));
  order.set(FIX::TimeInForce(FIX::TimeInForce_GOOD_TILL_CANCEL));
  FIX::Session::sendToTarget(order, session);
}

static void fail(const std::string& what) {
  std::cout << "ERROR " << what << std::endl;
  std::exit(1);
}

// Sleeps until value reaches target; fails after 10 s without it.
static void awaitCount(const std::atomic<long>& value, long target, const char* what) {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  std::unique_lock<std::mutex> lock(waitLock);
  while (value.load(std::memory_order_acquire) < target) {
    if (Clock::now() > deadline) fail(std::string(what) + ": " + std::to_string(value.load()) + " of " + std::to_string(target) + " after 10 s");
    answered.wait_for(lock, std::chrono::milliseconds(100));
  }
}

static void massCancel(Initiator& app) {
  static long requests = 0;
  long expected = app.cancelReports.load() + 1;
  FIX44::OrderMassCancelRequest request{FIX::ClOrdID(clOrdIdPrefix + "mc" + std::to_string(++requests)), FIX::MassCancelRequestType('7'), FIX::TransactTime()};
  FIX::Session::sendToTarget(request, app.session);
  awaitCount(app.cancelReports, expected, "mass cancel report");
}

// One order at a time; returns each order's time to its acknowledgement in nanoseconds.
static std::vector<long long> pingPong(Initiator& app, long count, long cancelEvery) {
  std::vector<long long> latencies;
  latencies.reserve(count);
  for (long i = 0; i < count; i++) {
    long expected = app.acks.load() + 1;
    long long start = nowNanos();
    sendOrder(app.session, i);
    awaitCount(app.acks, expected, "acknowledgements");
    latencies.push_back(app.lastAck.load(std::memory_order_relaxed) - start);
    if (cancelEvery > 0 && i % cancelEvery == cancelEvery - 1) massCancel(app);
  }
  if (cancelEvery > 0) massCancel(app);
  return latencies;
}

int main(int argc, char** argv) {
  if (argc < 11) {
    std::cerr << "usage: initiator <host> <port> <dictionary> <store dir> <sender comp id> <private key hex> <pings> <in-flight orders> <window> <mass cancel every>" << std::endl;
    return 2;
  }
  long pings = std::atol(argv[7]), inflight = std::atol(argv[8]), window = std::atol(argv[9]), cancelEvery = std::atol(argv[10]);
  std::stringstream config;
  config << "[DEFAULT]\nConnectionType=initiator\nReconnectInterval=60\nFileStorePath=" << argv[4]
         << "\nStartTime=00:00:00\nEndTime=00:00:00\nUseDataDictionary=Y\nDataDictionary=" << argv[3]
         << "\nValidateUserDefinedFields=Y\nResetOnLogon=Y\nSocketNodelay=Y\n"
         << "\n[SESSION]\nBeginString=FIX.4.4\nSenderCompID=" << argv[5] << "\nTargetCompID=BACKPACK\nHeartBtInt=30\nSocketConnectHost=" << argv[1]
         << "\nSocketConnectPort=" << argv[2] << "\n";
  try {
    FIX::SessionSettings settings(config);
    Initiator app(fromHex(argv[6]));
    FIX::MemoryStoreFactory store;
    FIX::ScreenLogFactory log(false, false, false);
    FIX::SocketInitiator initiator(app, store, settings, log);
    initiator.start();
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!app.loggedOn) {
      if (Clock::now() > deadline) fail("no Logon within 10 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::cout << "READY" << std::endl;
    std::string line;
    std::getline(std::cin, line);

    if (pings > 0) {
      pingPong(app, std::min(2000L, pings), cancelEvery);  // warm-up, untimed
      std::vector<long long> latencies = pingPong(app, pings, cancelEvery);
      std::sort(latencies.begin(), latencies.end());
      auto micros = [&](double q) { return latencies[std::min((size_t)(q * latencies.size()), latencies.size() - 1)] / 1000.0; };
      std::cout << "PINGPONG " << pings << " " << micros(0.5) << " " << micros(0.9) << " " << micros(0.99) << " " << latencies.back() / 1000.0 << std::endl;
    }
    if (inflight > 0) {
      long base = app.acks.load();
      long long start = nowNanos();
      for (long sent = 0; sent < inflight; sent++) {
        if (sent - (app.acks.load(std::memory_order_acquire) - base) >= window) awaitCount(app.acks, base + sent - window + 1, "acknowledgements in flight");
        sendOrder(app.session, sent);
      }
      awaitCount(app.acks, base + inflight, "acknowledgements in flight");
      double seconds = (nowNanos() - start) / 1e9;
      std::cout << "INFLIGHT " << inflight << " " << window << " " << seconds << " " << inflight / seconds << std::endl;
      if (cancelEvery > 0) massCancel(app);
    }
    if (app.refusals > 0) fail(std::to_string(app.refusals.load()) + " messages refused (Reject, Logout, rejected order or BusinessMessageReject)");
    // Log out and wait for the answer, then leave without Initiator::stop, whose join of the
    // socket thread waits out that thread's one-second poll (the memory store keeps nothing).
    app.stopping = true;
    if (FIX::Session* session = FIX::Session::lookupSession(app.session)) session->logout();
    deadline = Clock::now() + std::chrono::seconds(5);
    while (!app.logoutAnswered && app.loggedOn && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::cout << "DONE" << std::endl;
    std::_Exit(0);
  } catch (std::exception& e) {
    fail(e.what());
  }
  return 0;
}
