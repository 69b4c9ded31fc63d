using System.Security.Cryptography;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Protocol.Tests;

/// <summary>RFC 8032 section 7.1 test vectors, and the edge cases where Ed25519 implementations differ (all refused here).</summary>
public class Ed25519Tests
{
    public static TheoryData<string, string, string, string> Rfc8032 => new()
    {
        // TEST 1: empty message
        { "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
        // TEST 2: one byte
        { "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
          "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
        // TEST 3: two bytes
        { "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
          "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
        // TEST SHA(abc): the message is SHA-512("abc")
        { "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42", "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
          "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704" },
    };

    [Theory]
    [MemberData(nameof(Rfc8032))]
    public void Rfc8032_vectors_sign_and_verify(string secret, string publicKey, string message, string signature)
    {
        byte[] sk = Hex.Parse(secret), pk = Hex.Parse(publicKey), msg = Hex.Parse(message), sig = Hex.Parse(signature);
        Assert.Equal(publicKey, Hex.Of(Ed25519.PublicKeyOf(sk)));
        Assert.Equal(signature, Hex.Of(Ed25519.Sign(sk, msg)));
        Assert.True(Ed25519.Verify(pk, msg, sig));
        Assert.True(Ed25519.VerifyWithApiKey(Convert.ToBase64String(pk), msg, sig));
    }

    [Fact]
    public void The_sha_abc_vector_message_is_sha512_of_abc()
    {
        Assert.Equal("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            Hex.Of(SHA512.HashData("abc"u8)));
    }

    [Fact]
    public void A_changed_message_signature_or_key_does_not_verify()
    {
        var (_, pk, msg, sig) = (Hex.Parse("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"),
            Hex.Parse("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"), Hex.Parse("72"),
            Hex.Parse("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"));
        Assert.False(Ed25519.Verify(pk, [0x73], sig));
        byte[] bad = (byte[])sig.Clone();
        bad[10] ^= 1;
        Assert.False(Ed25519.Verify(pk, msg, bad));
        Assert.False(Ed25519.Verify(Hex.Parse("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), msg, sig));
        Assert.False(Ed25519.Verify(pk, msg, sig.AsSpan(0, 63)));
        Assert.False(Ed25519.VerifyWithApiKey("not base64!", msg, sig));
        Assert.False(Ed25519.VerifyWithApiKey(Convert.ToBase64String(new byte[31]), msg, sig));
    }

    [Fact]
    public void A_fresh_key_signs_what_it_verifies()
    {
        byte[] sk = Ed25519.NewPrivateKey();
        byte[] message = "instruction=subscribe&timestamp=1614550000000&window=5000"u8.ToArray();
        Assert.True(Ed25519.Verify(Ed25519.PublicKeyOf(sk), message, Ed25519.Sign(sk, message)));
    }

    // The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    private static readonly byte[] GroupOrder = Hex.Parse("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    [Fact]
    public void A_signature_whose_S_is_not_reduced_is_refused()
    {
        // RFC 8032 test 1 with S + L in place of S: the same point equation holds, so a verifier that
        // does not check S < L accepts a second, malleated signature of the same message.
        byte[] pk = Hex.Parse("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] sig = Hex.Parse("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        Assert.True(Ed25519.Verify(pk, [], sig));
        byte[] malleated = (byte[])sig.Clone();
        int carry = 0;
        for (int i = 0; i < 32; i++)
        {
            int sum = malleated[32 + i] + GroupOrder[i] + carry;
            malleated[32 + i] = (byte)sum;
            carry = sum >> 8;
        }
        Assert.Equal(0, carry);
        Assert.False(Ed25519.Verify(pk, [], malleated));
        Assert.False(Ed25519.VerifyWithApiKey(Convert.ToBase64String(pk), [], malleated));
    }

    [Theory]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000", "the identity point (order 1)")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "y = -1 (order 2)")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "y = 0 (order 4)")]
    [InlineData("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", "a point of order 8")]
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "y = p, not a canonical encoding")]
    public void A_small_order_or_non_canonical_public_key_is_refused(string key, string what)
    {
        // With a small-order key A, R = identity and S = 0 satisfy [S]B = R + [k]A for every message
        // a verifier that does not refuse such keys accepts this "signature" of anything.
        byte[] pk = Hex.Parse(key);
        byte[] forged = new byte[64];
        forged[0] = 1; // R = the identity point's encoding, S = 0
        foreach (byte[] message in new[] { "instruction=orderExecute&price=1"u8.ToArray(), Array.Empty<byte>() })
        {
            Assert.False(Ed25519.Verify(pk, message, forged), what);
            Assert.False(Ed25519.VerifyWithApiKey(Convert.ToBase64String(pk), message, forged), what);
        }
    }
}
