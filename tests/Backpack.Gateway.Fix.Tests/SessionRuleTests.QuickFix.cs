using System.Text;
using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// The session rules where QuickFIX's acceptor makes a choice the spec leaves open (issue 17):
/// counting a message that drew a Reject and Logout, header fields missing or empty, tag numbers
/// outside the dictionary, garbled field order, a Logout ahead of a gap, a sequence reset in
/// session, reversed routing fields, and a group that does not start with its delimiter.
/// </summary>
public partial class SessionRuleTests
{
    /// <summary>A message edited as text (SOH as '|'), with its BodyLength and CheckSum made right again.</summary>
    private static byte[] Reframe(byte[] message, Func<string, string> edit)
    {
        string text = Encoding.ASCII.GetString(message).Replace('\u0001', '|');
        int bodyStart = text.IndexOf('|', text.IndexOf("|9=", StringComparison.Ordinal) + 1) + 1;
        int trailer = text.LastIndexOf("10=", StringComparison.Ordinal);
        string body = edit(text[bodyStart..trailer]).Replace('|', '\u0001');
        byte[] framed = Encoding.ASCII.GetBytes($"8=FIX.4.4\u00019={Encoding.ASCII.GetByteCount(body)}\u0001{body}");
        return [.. framed, .. Encoding.ASCII.GetBytes($"10={framed.Sum(b => b) % 256:000}\u0001")];
    }

    private int ExpectedByGateway => _host.Session(FixTestHost.ClientA).ExpectedSeqNum;

    [Theory]
    [InlineData("comp id")]
    [InlineData("sending time")]
    public void A_message_rejected_for_comp_id_or_sending_time_counts_so_the_clients_logout_ends_the_session(string problem)
    {
        using var client = LoggedOn(); // expected next: 2
        if (problem == "comp id") client.Send("0", sender: "SOMEONE_ELSE");
        else client.Send("0", sendingTime: FixTestClient.Now(130_000_000));
        var reject = client.Expect("3");
        Assert.Equal((problem == "comp id" ? "9" : "10", "2"), (reject.GetString(FixTags.SessionRejectReason), reject.GetString(FixTags.RefSeqNum)));
        Assert.True(client.Expect("5").IsMsgType("5"));
        client.Send("5"); // seq 3: in sequence only because the rejected 2 counted
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
        WaitUntilLoggedOff();
        Assert.Equal(4, ExpectedByGateway); // 2 (rejected) and 3 (the Logout) both processed
        Assert.DoesNotContain(client.Received, m => m.IsMsgType("2"));
    }

    [Theory]
    [InlineData(FixTags.TargetCompID, false, "1")]
    [InlineData(FixTags.TargetCompID, true, "4")]
    [InlineData(FixTags.SenderCompID, false, "1")]
    [InlineData(FixTags.SendingTime, true, "4")]
    public void A_required_header_field_missing_or_empty_gets_a_reject_naming_it(int tag, bool empty, string reason)
    {
        using var client = LoggedOn();
        byte[] heartbeat = client.Build("0");
        string field = $"|{tag}=";
        client.SendRaw(Reframe(heartbeat, body =>
        {
            int at = ("|" + body).IndexOf(field, StringComparison.Ordinal);
            int end = body.IndexOf('|', at);
            return body[..at] + (empty ? $"{tag}=" : "") + body[(empty ? end : end + 1)..];
        }));
        var reject = client.Expect("3");
        Assert.Equal((reason, tag.ToString(), "0", "2"),
            (reject.GetString(FixTags.SessionRejectReason), reject.GetString(FixTags.RefTagID), reject.GetString(FixTags.RefMsgType), reject.GetString(FixTags.RefSeqNum)));
        Assert.Throws<TimeoutException>(() => client.Receive(Short)); // no Logout: the CompIDs were not wrong, one was not there
        client.Send("1", (FixTags.TestReqID, "after")); // seq 3: the rejected 2 counted
        Assert.Equal("after", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Theory]
    [InlineData(999)]
    [InlineData(5999)]
    [InlineData(20000)]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_tag_number_the_dictionary_does_not_define_gets_reject_0_naming_it(int tag)
    {
        Assert.Null(FixTestHost.Dictionary.Field(tag)); // the premise: not a field of fixspec/FIX44.xml
        using var client = LoggedOn();
        client.Send("1", (FixTags.TestReqID, "x"), (tag, "y"));
        var reject = client.Expect("3");
        Assert.Equal(("0", tag.ToString(), "Invalid tag number"),
            (reject.GetString(FixTags.SessionRejectReason), reject.GetString(FixTags.RefTagID), reject.GetString(FixTags.Text)));
        client.Send("1", (FixTags.TestReqID, "next"));
        Assert.Equal("next", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void A_message_whose_third_field_is_not_msg_type_is_garbled_and_ignored_without_using_its_sequence_number()
    {
        using var client = LoggedOn();
        byte[] testRequest = client.Build("1", [(FixTags.TestReqID, "lost")]);
        client.SendRaw(Reframe(testRequest, body =>
        {
            int sender = body.IndexOf("|49=", StringComparison.Ordinal);
            int senderEnd = body.IndexOf('|', sender + 1);
            return body[(sender + 1)..(senderEnd + 1)] + body[..(sender + 1)] + body[(senderEnd + 1)..]; // 8, 9, 49, 35, ...
        }));
        Assert.Throws<TimeoutException>(() => client.Receive(Short)); // no Reject, no answer
        client.NextSeq--; // it was never seen: the same number again is in sequence
        client.Send("1", (FixTags.TestReqID, "found"));
        Assert.Equal("found", client.Expect("0").GetString(FixTags.TestReqID));
        Assert.Equal(2, client.Received.Count); // the Logon and this Heartbeat, nothing for the garbled one
    }

    [Fact]
    public void A_logout_with_a_too_high_sequence_number_ends_the_session_without_a_resend_request()
    {
        using var client = LoggedOn(); // expected next: 2
        client.Send("5", seq: 7);
        Assert.True(client.Expect("5").IsMsgType("5"));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
        Assert.DoesNotContain(client.Received, m => m.IsMsgType("2"));
        WaitUntilLoggedOff();
        Assert.Equal(2, ExpectedByGateway); // 2..6 are still owed: the next Logon asks for them
    }

    [Fact]
    public void A_logon_with_reset_seq_num_flag_while_logged_on_restarts_both_sides_at_one()
    {
        using var client = LoggedOn();
        client.Send("1", (FixTags.TestReqID, "before"));
        Assert.Equal(2, Seq(client.Expect("0")));
        client.NextSeq = 1;
        client.SendRaw(client.BuildLogon(reset: true));
        var reply = client.Expect("A");
        Assert.Equal((1, "Y"), (Seq(reply), reply.GetString(FixTags.ResetSeqNumFlag)));
        client.Send("1", (FixTags.TestReqID, "after")); // seq 2 in the new numbering
        var heartbeat = client.Expect("0");
        Assert.Equal(("after", 2), (heartbeat.GetString(FixTags.TestReqID), Seq(heartbeat)));
        Assert.Equal(3, ExpectedByGateway);
    }

    [Fact]
    public void A_reset_logon_in_session_with_a_bad_signature_is_logged_out_and_the_numbers_stay()
    {
        using var client = LoggedOn();
        client.NextSeq = 1;
        client.SendRaw(client.BuildLogon(reset: true, signWith: FixTestHost.PrivateKeyB));
        Assert.Equal("Invalid signature", client.Expect("5").GetString(FixTags.Text));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
        WaitUntilLoggedOff();
        Assert.Equal(2, ExpectedByGateway);
    }

    [Fact]
    public void On_behalf_of_fields_come_back_as_deliver_to_on_the_answer_and_the_other_way_round()
    {
        using var client = LoggedOn();
        client.Send("1", (FixTags.OnBehalfOfCompID, "DESK"), (FixTags.OnBehalfOfSubID, "TRADER7"), (FixTags.OnBehalfOfLocationID, "LDN"), (FixTags.TestReqID, "routed"));
        var heartbeat = client.Expect("0");
        Assert.Equal(("routed", "DESK", "TRADER7", "LDN"), (heartbeat.GetString(FixTags.TestReqID), heartbeat.GetString(FixTags.DeliverToCompID),
            heartbeat.GetString(FixTags.DeliverToSubID), heartbeat.GetString(FixTags.DeliverToLocationID)));
        Assert.False(heartbeat.Has(FixTags.OnBehalfOfCompID));

        client.Send("1", (FixTags.DeliverToCompID, "HUB"), (FixTags.DeliverToSubID, "ROOM2"), (FixTags.DeliverToLocationID, "NYC"), (FixTags.TestReqID, "x"), (9_999, "y"));
        var reject = client.Expect("3");
        Assert.Equal(("HUB", "ROOM2", "NYC"), (reject.GetString(FixTags.OnBehalfOfCompID), reject.GetString(FixTags.OnBehalfOfSubID), reject.GetString(FixTags.OnBehalfOfLocationID)));
        Assert.False(reject.Has(FixTags.DeliverToCompID));

        // The gateway's own answer written while the message is handled: an order refused at once.
        client.Send("D", [(FixTags.OnBehalfOfCompID, "DESK"), .. FixTestClient.LimitOrder("routed-order", '1', "1", "170", symbol: "NOPE_USDC_PERP")]);
        var refused = client.Expect("8");
        Assert.Equal(("8", "DESK"), (refused.GetString(FixTags.OrdStatus), refused.GetString(FixTags.DeliverToCompID)));

        client.Send("1", (FixTags.TestReqID, "plain")); // a message without routing fields gets none back
        var plain = client.Expect("0");
        Assert.False(plain.Has(FixTags.DeliverToCompID) || plain.Has(FixTags.OnBehalfOfCompID));
    }
}
