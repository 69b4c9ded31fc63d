// The gateway's signed FIX Logon (docs/fix.md section 2) for QuickFIX C++ initiators: Username
// carries the base64 Ed25519 public key, RawData(96) the base64 signature over
// SendingTime|MsgType|MsgSeqNum|SenderCompID|TargetCompID|Username (separated by SOH).
// Shared by the interop tests' client.cpp and the quickfix-race benchmark's initiator.cpp;
// QuickFixBuild puts this folder on the include path and counts this file in the build's hash.
#pragma once
#include <quickfix/Message.h>
#include <quickfix/Values.h>
#include <openssl/evp.h>
#include <string>
#include <vector>

static std::vector<unsigned char> fromHex(const std::string& hex) {
  std::vector<unsigned char> bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back((unsigned char)std::stoi(hex.substr(i, 2), nullptr, 16));
  return bytes;
}

static std::string base64(const unsigned char* data, size_t length) {
  std::string encoded(4 * ((length + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock((unsigned char*)&encoded[0], data, (int)length);
  encoded.resize(n);
  return encoded;
}

class LogonSigner {
 public:
  explicit LogonSigner(std::vector<unsigned char> key) : privateKey(key) {
    EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, privateKey.data(), privateKey.size());
    unsigned char pub[32];
    size_t len = sizeof(pub);
    EVP_PKEY_get_raw_public_key(pkey, pub, &len);
    apiKey = base64(pub, len);
    EVP_PKEY_free(pkey);
  }

  // Signs a Logon on its way out (call from toAdmin; other messages pass untouched).
  void sign(FIX::Message& message) const {
    FIX::MsgType type;
    message.getHeader().getField(type);
    if (type.getValue() != "A") return;
    // A Logon with 141=Y goes out as MsgSeqNum 1 (QuickFIX renumbers a reset Logon after toAdmin): sign that number.
    FIX::ResetSeqNumFlag reset(false);
    message.getFieldIfSet(reset);
    if (reset) message.getHeader().setField(FIX::MsgSeqNum(1));
    message.setField(FIX::Username(apiKey));
    std::string prehash = message.getHeader().getField(52) + '\x01' + "A" + '\x01' + message.getHeader().getField(34) + '\x01' +
                          message.getHeader().getField(49) + '\x01' + message.getHeader().getField(56) + '\x01' + apiKey;
    EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, privateKey.data(), privateKey.size());
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    unsigned char signature[64];
    size_t signatureLength = sizeof(signature);
    EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, pkey);
    EVP_DigestSign(ctx, signature, &signatureLength, (const unsigned char*)prehash.data(), prehash.size());
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    std::string raw = base64(signature, signatureLength);
    message.setField(FIX::RawDataLength((int)raw.size()));
    message.setField(FIX::RawData(raw));
  }

 private:
  std::vector<unsigned char> privateKey;
  std::string apiKey;
};
