// A FIX 4.4 initiator built on QuickFIX C++ (Debian's libquickfix-dev), driven line by line on
// stdin by the interop test, printing what it receives and sends on stdout:
//   LOGON / LOGOUT                     session events
//   RECV <type> <message>              every message QuickFIX accepted from the gateway
//   SENT <type> <message>              every message QuickFIX sent (a "SENT 3" is QuickFIX rejecting us)
// Commands on stdin:
//   order <clOrdId> <side 1|2> <qty> <price>
//   replace <origClOrdId> <clOrdId> <side> <qty> <price>
//   cancel <origClOrdId> <clOrdId> <side>
//   stop <clOrdId> <side> <qty> <stopPx> <limit price, 0 = stop market> <TriggerPriceSource 0|1|2>
//   exits <clOrdId> <side> <qty> <price> <stop-loss trigger> <take-profit trigger> <take-profit limit, 0 = market>
//        (a limit order with a stop-loss on the index price and a take-profit on the mark)
//   reset                              a Logon with ResetSeqNumFlag=Y while logged on (sequence reset in session)
//   subscribe <mdReqId> <depth>        MarketDataRequest, snapshot + updates of bids, offers and trades of SOL_USDC_PERP;
//                                      the client rebuilds the book from the W and X of that MDReqID
//   snapshot <mdReqId> <depth>         MarketDataRequest for a snapshot only (its W arrives after every earlier X)
//   book                               prints the rebuilt book: BOOK <bids best first> | <asks best first>, each level px:qty,
//                                      then MDERROR lines if an X did not apply (a new level already there, an unknown one
//                                      changed or deleted, a RptSeq gap)
//   massstatus <massStatusReqId>       OrderMassStatusRequest for all orders (585=7)
//   tradecapture <tradeRequestId>      TradeCaptureReportRequest for all trades (569=0)
//   logout
// With QF_TLS_CA set to a PEM file, the client connects over TLS (SSLSocketInitiator) and names that
// file as its CertificationAuthoritiesFile (QuickFIX 1.15's initiator does not check the acceptor's
// certificate against it: a wrong file still logs on).
// The Logon is signed in toAdmin (logon_signer.h): Ed25519 over SendingTime|MsgType|MsgSeqNum|SenderCompID|TargetCompID|Username.
#include <quickfix/Application.h>
#include <quickfix/FileStore.h>
#include <quickfix/FileLog.h>
#include <quickfix/SocketInitiator.h>
// Debian's libquickfix is built with SSL; its headers declare the SSL classes only when told so.
#define HAVE_SSL 1
#include <quickfix/SSLSocketInitiator.h>
#include <quickfix/fix44/OrderMassStatusRequest.h>
#include <quickfix/fix44/TradeCaptureReportRequest.h>
#include <cstdlib>
#include <memory>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/fix44/Logon.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/OrderCancelRequest.h>
#include <quickfix/fix44/OrderCancelReplaceRequest.h>
#include <quickfix/fix44/MarketDataRequest.h>
#include "logon_signer.h"
#include <iostream>
#include <sstream>
#include <string>
#include <vector>
#include <mutex>
#include <algorithm>
#include <map>
#include <functional>

static std::mutex out;

static void print(const std::string& kind, const FIX::Message& m) {
  std::string text = m.toString();
  std::replace(text.begin(), text.end(), '\x01', '|');
  FIX::MsgType type;
  m.getHeader().getField(type);
  std::lock_guard<std::mutex> lock(out);
  std::cout << kind << " " << type.getValue() << " " << text << std::endl;
}

class Client : public FIX::Application {
 public:
  explicit Client(std::vector<unsigned char> key) : signer(key) {}
  FIX::SessionID session;

  void onCreate(const FIX::SessionID& id) override { session = id; }
  void onLogon(const FIX::SessionID&) override { std::lock_guard<std::mutex> lock(out); std::cout << "LOGON" << std::endl; }
  void onLogout(const FIX::SessionID&) override { std::lock_guard<std::mutex> lock(out); std::cout << "LOGOUT" << std::endl; }

  void toAdmin(FIX::Message& message, const FIX::SessionID&) override {
    signer.sign(message);
    print("SENT", message);
  }
  void fromAdmin(const FIX::Message& message, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override { print("RECV", message); }
  void toApp(FIX::Message& message, const FIX::SessionID&) throw(FIX::DoNotSend) override { print("SENT", message); }
  void fromApp(const FIX::Message& message, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
    print("RECV", message);
    rebuild(message);
  }

  // ---------------------------------------------------------------- the book of the subscription

  std::string subscription;

  void printBook() {
    std::lock_guard<std::mutex> lock(out);
    std::cout << "BOOK";
    for (auto& level : bids) std::cout << " " << level.second.first << ":" << level.second.second;
    std::cout << " |";
    for (auto& level : asks) std::cout << " " << level.second.first << ":" << level.second.second;
    std::cout << std::endl;
    for (auto& error : errors) std::cout << "MDERROR " << error << std::endl;
  }

 private:
  LogonSigner signer;
  // Price -> (price text, size text); bids best (highest) first.
  std::map<double, std::pair<std::string, std::string>, std::greater<double>> bids;
  std::map<double, std::pair<std::string, std::string>> asks;
  std::vector<std::string> errors;
  long rptSeq = 0;

  void rebuild(const FIX::Message& message) {
    std::lock_guard<std::mutex> lock(out);
    FIX::MsgType type;
    message.getHeader().getField(type);
    if ((type.getValue() != "W" && type.getValue() != "X") || !message.isSetField(262) || message.getField(262) != subscription) return;
    bool snapshot = type.getValue() == "W";
    if (snapshot) {
      bids.clear();
      asks.clear();
      rptSeq = std::stol(message.getField(83)) - 1;
    }
    long expected = ++rptSeq;
    int count = std::stoi(message.getField(268));
    for (int i = 1; i <= count; i++) {
      FIX::Group entry(268, snapshot ? 269 : 279);
      message.getGroup(i, entry);
      std::string entryType = entry.getField(269);
      if (entryType == "2") continue;  // a trade
      if (!snapshot && std::stol(entry.getField(83)) != expected) errors.push_back("RptSeq " + entry.getField(83) + " where " + std::to_string(expected) + " was due");
      std::string px = entry.getField(270);
      double key = std::stod(px);
      char action = snapshot ? '0' : entry.getField(279)[0];
      bool found = entryType == "0" ? bids.count(key) > 0 : asks.count(key) > 0;
      if ((action == '0' && found) || (action != '0' && !found)) errors.push_back(std::string("action ") + action + " on level " + px + (found ? " that exists" : " that does not"));
      if (action == '2') {
        if (entryType == "0") bids.erase(key); else asks.erase(key);
      } else {
        auto level = std::make_pair(px, entry.getField(271));
        if (entryType == "0") bids[key] = level; else asks[key] = level;
      }
    }
  }
};

static void requestMarketData(const FIX::SessionID& session, const std::string& id, char type, int depth) {
  FIX44::MarketDataRequest request{FIX::MDReqID(id), FIX::SubscriptionRequestType(type), FIX::MarketDepth(depth)};
  for (char entryType : std::string("012")) {
    FIX44::MarketDataRequest::NoMDEntryTypes types;
    types.set(FIX::MDEntryType(entryType));
    request.addGroup(types);
  }
  FIX44::MarketDataRequest::NoRelatedSym symbol;
  symbol.set(FIX::Symbol("SOL_USDC_PERP"));
  request.addGroup(symbol);
  FIX::Session::sendToTarget(request, session);
}

int main(int argc, char** argv) {
  if (argc < 7) {
    std::cerr << "usage: client <host> <port> <dictionary> <store dir> <sender comp id> <private key hex>" << std::endl;
    return 2;
  }
  std::stringstream config;
  config << "[DEFAULT]\nConnectionType=initiator\nReconnectInterval=60\nFileStorePath=" << argv[4] << "\nFileLogPath=" << argv[4]
         << "\nStartTime=00:00:00\nEndTime=00:00:00\nUseDataDictionary=Y\nDataDictionary=" << argv[3]
         << "\nValidateUserDefinedFields=Y\nValidateFieldsOutOfOrder=Y\nValidateFieldsHaveValues=Y\nResetOnLogon=Y\nCheckLatency=Y\nMaxLatency=120\n"
         << "\n[SESSION]\nBeginString=FIX.4.4\nSenderCompID=" << argv[5] << "\nTargetCompID=BACKPACK\nHeartBtInt=30\nSocketConnectHost=" << argv[1]
         << "\nSocketConnectPort=" << argv[2] << "\n";
  const char* tlsCa = std::getenv("QF_TLS_CA");
  if (tlsCa != nullptr) config << "SSLProtocol=all -SSLv2 -SSLv3\nCertificationAuthoritiesFile=" << tlsCa << "\nCertificateVerifyLevel=1\n";
  try {
    FIX::SessionSettings settings(config);
    Client client(fromHex(argv[6]));
    FIX::FileStoreFactory store(settings);
    FIX::ScreenLogFactory log(false, false, false);
    std::unique_ptr<FIX::Initiator> started;
    if (tlsCa != nullptr) started.reset(new FIX::SSLSocketInitiator(client, store, settings, log));
    else started.reset(new FIX::SocketInitiator(client, store, settings, log));
    FIX::Initiator& initiator = *started;
    initiator.start();
    std::string line;
    while (std::getline(std::cin, line)) {
      std::istringstream in(line);
      std::string command;
      in >> command;
      if (command == "order") {
        std::string id, side, qty, price;
        in >> id >> side >> qty >> price;
        FIX44::NewOrderSingle order{FIX::ClOrdID(id), FIX::Side(side[0]), FIX::TransactTime(), FIX::OrdType(FIX::OrdType_LIMIT)};
        order.set(FIX::Symbol("SOL_USDC_PERP"));
        order.set(FIX::OrderQty(std::stod(qty)));
        order.set(FIX::Price(std::stod(price)));
        order.set(FIX::TimeInForce(FIX::TimeInForce_GOOD_TILL_CANCEL));
        FIX::Session::sendToTarget(order, client.session);
      } else if (command == "replace") {
        std::string orig, id, side, qty, price;
        in >> orig >> id >> side >> qty >> price;
        FIX44::OrderCancelReplaceRequest replace{FIX::OrigClOrdID(orig), FIX::ClOrdID(id), FIX::Side(side[0]), FIX::TransactTime(), FIX::OrdType(FIX::OrdType_LIMIT)};
        replace.set(FIX::Symbol("SOL_USDC_PERP"));
        replace.set(FIX::OrderQty(std::stod(qty)));
        replace.set(FIX::Price(std::stod(price)));
        FIX::Session::sendToTarget(replace, client.session);
      } else if (command == "cancel") {
        std::string orig, id, side;
        in >> orig >> id >> side;
        FIX44::OrderCancelRequest cancel{FIX::OrigClOrdID(orig), FIX::ClOrdID(id), FIX::Side(side[0]), FIX::TransactTime()};
        cancel.set(FIX::Symbol("SOL_USDC_PERP"));
        FIX::Session::sendToTarget(cancel, client.session);
      } else if (command == "stop") {
        std::string id, side, qty, stopPx, limit, source;
        in >> id >> side >> qty >> stopPx >> limit >> source;
        bool stopLimit = limit != "0";
        FIX44::NewOrderSingle order{FIX::ClOrdID(id), FIX::Side(side[0]), FIX::TransactTime(), FIX::OrdType(stopLimit ? FIX::OrdType_STOP_LIMIT : FIX::OrdType_STOP)};
        order.set(FIX::Symbol("SOL_USDC_PERP"));
        order.set(FIX::OrderQty(std::stod(qty)));
        order.set(FIX::StopPx(std::stod(stopPx)));
        if (stopLimit) order.set(FIX::Price(std::stod(limit)));
        order.setField(5019, source); // TriggerPriceSource
        FIX::Session::sendToTarget(order, client.session);
      } else if (command == "exits") {
        std::string id, side, qty, price, stopLoss, takeProfit, takeProfitLimit;
        in >> id >> side >> qty >> price >> stopLoss >> takeProfit >> takeProfitLimit;
        FIX44::NewOrderSingle order{FIX::ClOrdID(id), FIX::Side(side[0]), FIX::TransactTime(), FIX::OrdType(FIX::OrdType_LIMIT)};
        order.set(FIX::Symbol("SOL_USDC_PERP"));
        order.set(FIX::OrderQty(std::stod(qty)));
        order.set(FIX::Price(std::stod(price)));
        order.setField(5020, stopLoss);   // StopLossTriggerPrice
        order.setField(5022, "2");        // StopLossTriggerSource: index
        order.setField(5023, takeProfit); // TakeProfitTriggerPrice
        if (takeProfitLimit != "0") order.setField(5024, takeProfitLimit); // TakeProfitLimitPrice
        FIX::Session::sendToTarget(order, client.session);
      } else if (command == "reset") {
        // QuickFIX restarts its own numbers at 1 when it sends a Logon carrying 141=Y.
        FIX44::Logon logon{FIX::EncryptMethod(0), FIX::HeartBtInt(30)};
        logon.set(FIX::ResetSeqNumFlag(true));
        FIX::Session::sendToTarget(logon, client.session);
      } else if (command == "subscribe" || command == "snapshot") {
        std::string id;
        int depth = 0;
        in >> id >> depth;
        if (command == "subscribe") {
          std::lock_guard<std::mutex> lock(out);
          client.subscription = id;
        }
        requestMarketData(client.session, id, command == "subscribe" ? '1' : '0', depth);
      } else if (command == "book") {
        client.printBook();
      } else if (command == "massstatus") {
        std::string id;
        in >> id;
        FIX44::OrderMassStatusRequest request{FIX::MassStatusReqID(id), FIX::MassStatusReqType(FIX::MassStatusReqType_STATUS_FOR_ALL_ORDERS)};
        FIX::Session::sendToTarget(request, client.session);
      } else if (command == "tradecapture") {
        std::string id;
        in >> id;
        FIX44::TradeCaptureReportRequest request{FIX::TradeRequestID(id), FIX::TradeRequestType(FIX::TradeRequestType_ALL_TRADES)};
        FIX::Session::sendToTarget(request, client.session);
      } else if (command == "logout") {
        FIX::Session::lookupSession(client.session)->logout("done");
      } else if (command == "quit") {
        break;
      }
    }
    initiator.stop();
  } catch (std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return 1;
  }
  return 0;
}
