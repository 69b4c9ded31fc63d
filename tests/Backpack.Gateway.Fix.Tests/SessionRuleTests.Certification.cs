using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// The FIX 4.4 Volume 2 session test cases that the other session rule tests do not already
/// cover (docs/fix.md section 10 maps every case to its test).
/// </summary>
public partial class SessionRuleTests
{
    [Fact] // 2i
    public void A_wrong_begin_string_after_logon_is_logged_out_and_disconnected()
    {
        using var client = LoggedOn();
        client.SendRaw(Retag(client.Build("1", [(FixTags.TestReqID, "old")]), "8=FIX.4.2"));
        Assert.Equal("Incorrect BeginString", client.Expect("5").GetString(FixTags.Text));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
    }

    /// <summary>The message with another BeginString (BodyLength unchanged, CheckSum made right again).</summary>
    private static byte[] Retag(byte[] message, string beginString)
    {
        string text = System.Text.Encoding.ASCII.GetString(message);
        text = beginString + text[text.IndexOf('\u0001')..text.LastIndexOf("10=", StringComparison.Ordinal)];
        byte[] body = System.Text.Encoding.ASCII.GetBytes(text);
        return [.. body, .. System.Text.Encoding.ASCII.GetBytes($"10={body.Sum(b => b) % 256:000}\u0001")];
    }

    [Fact] // 5
    public void A_heartbeat_from_the_client_is_accepted_in_sequence()
    {
        using var client = LoggedOn();
        client.Send("0");
        client.Send("1", (FixTags.TestReqID, "three")); // seq 3: the Heartbeat counted
        var answer = client.Receive(TimeSpan.FromSeconds(5));
        Assert.Equal(("0", "three"), (answer.GetString(FixTags.MsgType), answer.GetString(FixTags.TestReqID)));
    }

    [Fact] // 7
    public void A_reject_from_the_client_is_accepted_and_counts()
    {
        using var client = LoggedOn();
        client.Send("3", (FixTags.RefSeqNum, "1"), (FixTags.SessionRejectReason, "99"), (FixTags.Text, "just saying"));
        client.Send("1", (FixTags.TestReqID, "after-reject"));
        var answer = client.Receive(TimeSpan.FromSeconds(5)); // no Reject of the Reject, no ResendRequest
        Assert.Equal(("0", "after-reject"), (answer.GetString(FixTags.MsgType), answer.GetString(FixTags.TestReqID)));
    }

    [Fact] // 10a
    public void A_gap_fill_ahead_of_the_expected_number_draws_a_resend_request()
    {
        using var client = LoggedOn(); // expected next: 2
        client.Send("4", [(FixTags.GapFillFlag, "Y"), (FixTags.NewSeqNo, "9")], seq: 5);
        var resend = client.Expect("2");
        Assert.Equal(("2", "0"), (resend.GetString(FixTags.BeginSeqNo), resend.GetString(FixTags.EndSeqNo)));
        Assert.Equal(2, ExpectedByGateway); // kept aside, not applied
    }

    [Fact] // 10c
    public void A_gap_fill_below_the_expected_number_with_poss_dup_is_ignored()
    {
        using var client = LoggedOn();
        client.Send("4", [(FixTags.GapFillFlag, "Y"), (FixTags.NewSeqNo, "2")], seq: 1, possDup: true, origSendingTime: FixTestClient.Now(-1_000_000));
        client.NextSeq = 2;
        client.Send("1", (FixTags.TestReqID, "two"));
        var answer = client.Receive(TimeSpan.FromSeconds(5));
        Assert.Equal(("0", "two"), (answer.GetString(FixTags.MsgType), answer.GetString(FixTags.TestReqID)));
    }

    [Fact] // 10d
    public void A_gap_fill_below_the_expected_number_without_poss_dup_is_logged_out()
    {
        using var client = LoggedOn();
        client.Send("4", [(FixTags.GapFillFlag, "Y"), (FixTags.NewSeqNo, "2")], seq: 1);
        Assert.Equal("MsgSeqNum too low, expecting 2 but received 1", client.Expect("5").GetString(FixTags.Text));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
    }

    [Fact] // 10e
    public void A_gap_fill_whose_new_seq_no_is_below_its_own_number_is_rejected_with_5_and_changes_nothing()
    {
        using var client = LoggedOn();
        client.Send("4", [(FixTags.GapFillFlag, "Y"), (FixTags.NewSeqNo, "1")], seq: 2);
        var reject = client.Expect("3");
        Assert.Equal(("5", "36", "2"), (reject.GetString(FixTags.SessionRejectReason), reject.GetString(FixTags.RefTagID), reject.GetString(FixTags.RefSeqNum)));
        Assert.Equal(2, ExpectedByGateway);
    }

    [Fact] // 11b
    public void Sequence_reset_to_the_expected_number_is_accepted_and_changes_nothing()
    {
        using var client = LoggedOn();
        client.Send("4", [(FixTags.NewSeqNo, "2")], seq: 2);
        client.NextSeq = 2;
        client.Send("1", (FixTags.TestReqID, "still-two"));
        var answer = client.Receive(TimeSpan.FromSeconds(5)); // no Reject came first
        Assert.Equal(("0", "still-two"), (answer.GetString(FixTags.MsgType), answer.GetString(FixTags.TestReqID)));
    }

    [Fact] // 12
    public async Task Our_logout_without_a_reply_disconnects_after_the_logout_timeout()
    {
        var clock = await WithManualClock();
        using var client = LoggedOn();
        client.Send("0", sender: "SOMEONE_ELSE"); // draws a Reject 9 and our Logout
        client.Expect("3");
        client.Expect("5");
        clock.Advance(TimeSpan.FromSeconds(1.9)); // LogoutTimeout is 2 s
        Assert.False(client.Closed(Short));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(client.Closed(TimeSpan.FromSeconds(10)));
    }

    [Fact] // 15
    public void Header_and_body_fields_in_another_order_are_accepted()
    {
        _host.Index(18_000);
        _host.Fund(FixTestHost.AccountA, 100_000);
        using var client = LoggedOn();
        byte[] order = client.Build("D", [(FixTags.Price, "170"), (FixTags.OrdType, "2"), (FixTags.OrderQty, "1"), (FixTags.TransactTime, FixTestClient.Now()),
            (FixTags.Side, "1"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.ClOrdID, "reordered")]);
        client.SendRaw(Reframe(order, body =>
        {
            // After 35, the header as 52, 34, 56, 49 instead of 49, 56, 34, 52.
            var fields = body.TrimEnd('|').Split('|');
            return string.Join('|', fields[..1].Concat(fields[1..5].Reverse()).Concat(fields[5..])) + "|";
        }));
        var accepted = client.Expect("8");
        Assert.Equal(("reordered", "0"), (accepted.GetString(FixTags.ClOrdID), accepted.GetString(FixTags.ExecType)));
    }

    [Fact] // 19a, 19b
    public void A_poss_resend_order_is_taken_once_a_second_copy_is_refused_as_a_duplicate()
    {
        _host.Index(18_000);
        _host.Fund(FixTestHost.AccountA, 100_000);
        using var client = LoggedOn();
        var order = FixTestClient.LimitOrder("resent-once", '1', "1", "170");
        client.Send("D", [(FixTags.PossResend, "Y"), .. order]);
        var taken = client.Expect("8");
        Assert.Equal(("0", "resent-once"), (taken.GetString(FixTags.ExecType), taken.GetString(FixTags.ClOrdID)));
        long before = _host.Engine.LastSequence;
        client.Send("D", [(FixTags.PossResend, "Y"), .. order]); // the same order resent again: not a second order
        var refused = client.Expect("8");
        Assert.Equal(("8", "6"), (refused.GetString(FixTags.OrdStatus), refused.GetString(FixTags.OrdRejReason)));
        Assert.Equal(before, _host.Engine.LastSequence); // it never reached the engine
    }

    [Fact] // 20
    public void A_resend_request_while_ours_is_outstanding_is_served_and_then_our_gap_fills()
    {
        using var client = LoggedOn(); // expected next: 2
        client.Send("1", [(FixTags.TestReqID, "kept")], seq: 4);
        Assert.Equal("2", client.Expect("2").GetString(FixTags.BeginSeqNo));
        client.Send("2", [(FixTags.BeginSeqNo, "1"), (FixTags.EndSeqNo, "0")], seq: 5); // theirs, while ours is outstanding
        var gapFill = client.Expect("4");
        Assert.Equal(("1", "Y"), (gapFill.GetString(FixTags.MsgSeqNum), gapFill.GetString(FixTags.GapFillFlag)));
        Assert.Throws<TimeoutException>(() => client.Receive(Short)); // no second ResendRequest of ours
        client.Send("4", [(FixTags.GapFillFlag, "Y"), (FixTags.NewSeqNo, "4")], seq: 2, possDup: true, origSendingTime: FixTestClient.Now());
        Assert.Equal("kept", client.Expect("0").GetString(FixTags.TestReqID)); // 4 processed; 5 (the ResendRequest) was served already
        client.Send("1", [(FixTags.TestReqID, "six")], seq: 6);
        Assert.Equal("six", client.Expect("0").GetString(FixTags.TestReqID));
    }
}
