// The reference of the quickfix-race benchmark: a QuickFIX C++ acceptor that does no work. It
// answers each NewOrderSingle with one ExecutionReport (ExecType 0, New) and nothing else: no
// book, no journal, no signature check (the Logon's RawData is ignored). Sessions keep QuickFIX's
// FileStore, as the gateway's sessions keep theirs, and validate against the same dictionary.
//   echo_acceptor <port> <dictionary> <store dir> <initiator comp id>...
// Prints READY once it listens; stops on end of stdin.
#include <quickfix/Application.h>
#include <quickfix/FileStore.h>
#include <quickfix/Log.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketAcceptor.h>
#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

class Echo : public FIX::Application {
 public:
  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID&) override {}
  void onLogout(const FIX::SessionID&) override {}
  void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
  void fromAdmin(const FIX::Message&, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {}
  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
  void fromApp(const FIX::Message& message, const FIX::SessionID& session) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
    FIX::MsgType type;
    message.getHeader().getField(type);
    if (type.getValue() != "D") return;
    std::string id = std::to_string(++orders);
    FIX44::ExecutionReport report{FIX::OrderID(id), FIX::ExecID(id), FIX::ExecType(FIX::ExecType_NEW), FIX::OrdStatus(FIX::OrdStatus_NEW),
                                  FIX::Side(message.getField(FIX::FIELD::Side)[0]), FIX::LeavesQty(std::stod(message.getField(FIX::FIELD::OrderQty))),
                                  FIX::CumQty(0), FIX::AvgPx(0)};
    report.set(FIX::ClOrdID(message.getField(FIX::FIELD::ClOrdID)));
    report.set(FIX::Symbol(message.getField(FIX::FIELD::Symbol)));
    report.set(FIX::OrderQty(std::stod(message.getField(FIX::FIELD::OrderQty))));
    report.set(FIX::OrdType(message.getField(FIX::FIELD::OrdType)[0]));
    if (message.isSetField(FIX::FIELD::Price)) report.set(FIX::Price(std::stod(message.getField(FIX::FIELD::Price))));
    report.set(FIX::TransactTime());
    FIX::Session::sendToTarget(report, session);
  }

 private:
  std::atomic<long> orders{0};
};

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: echo_acceptor <port> <dictionary> <store dir> <initiator comp id>..." << std::endl;
    return 2;
  }
  std::stringstream config;
  config << "[DEFAULT]\nConnectionType=acceptor\nSocketAcceptPort=" << argv[1] << "\nFileStorePath=" << argv[3]
         << "\nStartTime=00:00:00\nEndTime=00:00:00\nUseDataDictionary=Y\nDataDictionary=" << argv[2]
         << "\nValidateUserDefinedFields=Y\nResetOnLogon=Y\nSocketNodelay=Y\n";
  for (int i = 4; i < argc; i++) config << "\n[SESSION]\nBeginString=FIX.4.4\nSenderCompID=BACKPACK\nTargetCompID=" << argv[i] << "\n";
  try {
    FIX::SessionSettings settings(config);
    Echo echo;
    FIX::FileStoreFactory store(settings);
    FIX::ScreenLogFactory log(false, false, false);
    FIX::SocketAcceptor acceptor(echo, store, settings, log);
    acceptor.start();
    std::cout << "READY" << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    // The initiators have logged out and FileStore flushed every message: leave without
    // Acceptor::stop, whose join of the socket thread waits out that thread's one-second poll.
    std::_Exit(0);
  } catch (std::exception& e) {
    std::cerr << e.what() << std::endl;
    return 1;
  }
  return 0;
}
