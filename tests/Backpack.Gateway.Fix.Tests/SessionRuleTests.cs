using System.Text;
using Backpack.Gateway.Fix.Codec;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>The acceptor's session rules (as the QuickFIX family applies them; docs/fix.md), one test per rule, over a real loopback socket.</summary>
public partial class SessionRuleTests : IAsyncLifetime
{
    private FixTestHost _host = null!;
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(600);

    public Task InitializeAsync()
    {
        _host = new FixTestHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private FixTestClient LoggedOn(int heartBtInt = 30)
    {
        var client = _host.Client();
        var reply = client.Logon(heartBtInt);
        Assert.True(reply.IsMsgType("A"), reply.ToString());
        return client;
    }

    private static int Seq(FixMessage m) => int.Parse(m.GetString(FixTags.MsgSeqNum)!);

    // ---------------------------------------------------------------- framing

    [Fact]
    public void A_message_with_a_wrong_checksum_is_dropped_silently_and_the_sequence_does_not_move()
    {
        using var client = LoggedOn();
        byte[] bad = client.Build("1", [(FixTags.TestReqID, "lost")]);
        bad[^2] = bad[^2] == (byte)'0' ? (byte)'1' : (byte)'0';
        client.SendRaw(bad);
        Assert.Throws<TimeoutException>(() => client.Receive(Short));
        client.NextSeq--; // it was never seen: the same number again is in sequence
        client.Send("1", (FixTags.TestReqID, "found"));
        Assert.Equal("found", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void A_message_with_a_wrong_body_length_is_dropped_silently()
    {
        using var client = LoggedOn();
        string text = Encoding.ASCII.GetString(client.Build("1", [(FixTags.TestReqID, "lost")]));
        int nine = text.IndexOf("\u00019=", StringComparison.Ordinal) + 3;
        int soh = text.IndexOf('\u0001', nine);
        int length = int.Parse(text[nine..soh]);
        string wrong = text[..nine] + (length + 3) + text[soh..];
        client.SendRaw(Encoding.ASCII.GetBytes(wrong));
        client.NextSeq--;
        client.Send("1", (FixTags.TestReqID, "found"));
        Assert.Equal("found", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void A_zero_padded_body_length_is_accepted()
    {
        using var client = LoggedOn();
        string text = Encoding.ASCII.GetString(client.Build("1", [(FixTags.TestReqID, "padded")]));
        int nine = text.IndexOf("\u00019=", StringComparison.Ordinal) + 3;
        int soh = text.IndexOf('\u0001', nine);
        string body = text[(soh + 1)..text.LastIndexOf("10=", StringComparison.Ordinal)];
        string head = text[..nine] + "000" + text[nine..soh] + "\u0001";
        string message = head + body;
        int sum = Encoding.ASCII.GetBytes(message).Sum(b => b) % 256;
        client.SendRaw(Encoding.ASCII.GetBytes(message + $"10={sum:000}\u0001"));
        Assert.Equal("padded", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void A_garbled_first_message_closes_the_connection()
    {
        using var client = _host.Client();
        byte[] logon = client.Build("A", [(FixTags.EncryptMethod, "0"), (FixTags.HeartBtInt, "30")]);
        logon[^3] = (byte)'x';
        client.SendRaw(logon);
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
        Assert.Empty(client.Received);
    }

    [Fact]
    public void Outbound_messages_start_8_9_35_and_carry_sending_time_in_milliseconds()
    {
        using var client = LoggedOn();
        var reply = client.Received[0];
        Assert.Equal([8, 9, 35], Enumerable.Range(0, 3).Select(i => reply.Field(i).Tag));
        Assert.Equal(10, reply.Field(reply.FieldCount - 1).Tag);
        Assert.Matches(@"^\d{8}-\d{2}:\d{2}:\d{2}\.\d{3}$", reply.GetString(FixTags.SendingTime));
    }

    // ---------------------------------------------------------------- logon

    [Fact]
    public void The_first_message_must_be_a_logon_or_the_connection_closes_without_a_reply()
    {
        using var client = _host.Client();
        client.Send("1", (FixTags.TestReqID, "early"));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
        Assert.Empty(client.Received);
    }

    [Fact]
    public void An_unknown_comp_id_pair_is_disconnected()
    {
        using var client = new FixTestClient(_host.EndPoint, "STRANGER", FixTestHost.PrivateKeyA);
        Assert.Throws<EndOfStreamException>(() => client.Logon());
    }

    [Fact]
    public void A_wrong_begin_string_is_disconnected()
    {
        using var client = _host.Client();
        string text = Encoding.ASCII.GetString(client.Build("A", [(FixTags.EncryptMethod, "0"), (FixTags.HeartBtInt, "30"), (FixTags.ResetSeqNumFlag, "Y")]));
        text = text.Replace("8=FIX.4.4", "8=FIX.4.2");
        int cut = text.LastIndexOf("10=", StringComparison.Ordinal);
        text = text[..cut] + $"10={Encoding.ASCII.GetBytes(text[..cut]).Sum(b => b) % 256:000}\u0001";
        client.SendRaw(Encoding.ASCII.GetBytes(text));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
        Assert.Empty(client.Received);
    }

    [Fact]
    public void A_second_connection_for_a_logged_on_session_is_dropped_and_the_first_keeps_running()
    {
        using var first = LoggedOn();
        using var second = _host.Client();
        Assert.Throws<EndOfStreamException>(() => second.Logon());
        first.Send("1", (FixTags.TestReqID, "still here"));
        Assert.Equal("still here", first.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void Reset_seq_num_flag_restarts_both_sides_at_one()
    {
        using (var client = LoggedOn())
        {
            client.Send("1", (FixTags.TestReqID, "a"));
            client.Expect("0");
        }
        WaitUntilLoggedOff();
        using var again = _host.Client();
        var reply = again.Logon(reset: true);
        Assert.Equal(1, Seq(reply));
        Assert.Equal("Y", reply.GetString(FixTags.ResetSeqNumFlag));
    }

    [Fact]
    public void A_logon_with_sending_time_more_than_120_seconds_off_is_disconnected()
    {
        using var client = _host.Client();
        client.Send("A", [(FixTags.EncryptMethod, "0"), (FixTags.HeartBtInt, "30"), (FixTags.ResetSeqNumFlag, "Y")], sendingTime: FixTestClient.Now(-121_000_000));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
        Assert.Empty(client.Received);
    }

    [Fact]
    public void A_bad_signature_gets_a_logout_with_the_reason_then_a_disconnect()
    {
        using var client = _host.Client();
        var reply = client.Logon(signWith: FixTestHost.PrivateKeyB);
        Assert.True(reply.IsMsgType("5"));
        Assert.Equal("Invalid signature", reply.GetString(FixTags.Text));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void A_logon_without_signature_or_with_a_foreign_key_is_refused()
    {
        using (var unsigned = _host.Client())
        {
            Assert.Equal("Missing signature in RawData(96)", unsigned.Logon(sign: false).GetString(FixTags.Text));
        }
        using var foreign = _host.Client();
        Assert.Equal("Unknown API key in Username(553)", foreign.Logon(username: Convert.ToBase64String(new byte[32])).GetString(FixTags.Text));
    }

    [Fact]
    public void The_logon_reply_has_encrypt_method_0_and_the_clients_heartbeat_interval()
    {
        using var client = _host.Client();
        var reply = client.Logon(heartBtInt: 17);
        Assert.Equal("0", reply.GetString(FixTags.EncryptMethod));
        Assert.Equal("17", reply.GetString(FixTags.HeartBtInt));
    }

    [Fact]
    public void A_heartbeat_interval_outside_the_configured_limits_is_refused()
    {
        using var client = _host.Client();
        var reply = client.Logon(heartBtInt: 301);
        Assert.True(reply.IsMsgType("5"));
        Assert.Contains("HeartBtInt", reply.GetString(FixTags.Text));
    }

    [Fact]
    public void A_logon_with_a_too_high_sequence_number_is_answered_then_a_resend_is_requested()
    {
        using (var client = LoggedOn())
        {
            client.Send("0");
        }
        WaitUntilLoggedOff();
        using var again = _host.Client();
        again.NextSeq = 10; // the gateway expects 3
        var reply = again.Logon(reset: false);
        Assert.True(reply.IsMsgType("A"));
        var resend = again.Expect("2");
        Assert.Equal(("3", "0"), (resend.GetString(FixTags.BeginSeqNo), resend.GetString(FixTags.EndSeqNo)));
        // The gap (3..9) and the Logon itself (10) are filled; the session then goes on at 11.
        again.Send("4", [(FixTags.GapFillFlag, "Y"), (FixTags.NewSeqNo, "11")], seq: 3, possDup: true, origSendingTime: FixTestClient.Now());
        again.Send("1", [(FixTags.TestReqID, "eleven")], seq: 11);
        Assert.Equal("eleven", again.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void A_logon_with_a_too_low_sequence_number_is_logged_out()
    {
        using (var client = LoggedOn())
        {
            client.Send("0");
            client.Send("0");
        }
        WaitUntilLoggedOff();
        using var again = _host.Client();
        again.NextSeq = 2; // the gateway expects 4
        var reply = again.Logon(reset: false);
        Assert.True(reply.IsMsgType("5"));
        Assert.Equal("MsgSeqNum too low, expecting 4 but received 2", reply.GetString(FixTags.Text));
        Assert.True(again.Closed(TimeSpan.FromSeconds(3)));
    }

    // ---------------------------------------------------------------- sequence numbers

    [Fact]
    public void A_gap_asks_once_for_a_resend_and_the_kept_messages_are_processed_when_it_fills()
    {
        using var client = LoggedOn(); // expected next: 2
        client.Send("1", [(FixTags.TestReqID, "kept-4")], seq: 4);
        var resend = client.Expect("2");
        Assert.Equal(("2", "0"), (resend.GetString(FixTags.BeginSeqNo), resend.GetString(FixTags.EndSeqNo)));
        client.Send("1", [(FixTags.TestReqID, "kept-5")], seq: 5);
        Assert.Throws<TimeoutException>(() => client.Receive(Short)); // no second ResendRequest, nothing processed yet
        client.Send("4", [(FixTags.GapFillFlag, "Y"), (FixTags.NewSeqNo, "4")], seq: 2, possDup: true, origSendingTime: FixTestClient.Now());
        Assert.Equal("kept-4", client.Expect("0").GetString(FixTags.TestReqID));
        Assert.Equal("kept-5", client.Expect("0").GetString(FixTags.TestReqID));
        client.Send("1", [(FixTags.TestReqID, "six")], seq: 6);
        Assert.Equal("six", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void A_too_low_sequence_number_without_poss_dup_is_logged_out_with_the_standard_text()
    {
        using var client = LoggedOn();
        client.Send("0", seq: 1);
        var logout = client.Expect("5");
        Assert.Equal("MsgSeqNum too low, expecting 2 but received 1", logout.GetString(FixTags.Text));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void A_poss_dup_without_orig_sending_time_is_rejected_with_reason_1_on_tag_122()
    {
        using var client = LoggedOn();
        client.Send("0");
        client.Send("0", seq: 2, possDup: true);
        var reject = client.Expect("3");
        Assert.Equal(("1", "122", "2"), (reject.GetString(FixTags.SessionRejectReason), reject.GetString(FixTags.RefTagID), reject.GetString(FixTags.RefSeqNum)));
    }

    [Fact]
    public void A_poss_dup_with_orig_sending_time_after_sending_time_is_rejected_with_reason_10_then_logged_out()
    {
        using var client = LoggedOn();
        client.Send("0");
        string now = FixTestClient.Now();
        client.Send("0", seq: 2, possDup: true, sendingTime: now, origSendingTime: FixTestClient.Now(5_000_000));
        Assert.Equal("10", client.Expect("3").GetString(FixTags.SessionRejectReason));
        Assert.True(client.Expect("5").IsMsgType("5"));
    }

    [Fact]
    public void A_poss_dup_duplicate_with_good_times_is_ignored()
    {
        using var client = LoggedOn();
        client.Send("1", (FixTags.TestReqID, "once"));
        client.Expect("0");
        client.Send("1", [(FixTags.TestReqID, "again")], seq: 2, possDup: true, origSendingTime: FixTestClient.Now(-1_000_000));
        client.Send("1", (FixTags.TestReqID, "next")); // seq 3: the duplicate did not move the expected number
        var next = client.Receive(TimeSpan.FromSeconds(5));
        Assert.Equal(("0", "next"), (next.GetString(FixTags.MsgType), next.GetString(FixTags.TestReqID))); // no answer to "again" came first
    }

    [Fact]
    public void A_comp_id_mismatch_is_rejected_with_reason_9_then_logged_out()
    {
        using var client = LoggedOn();
        client.Send("0", sender: "SOMEONE_ELSE");
        var reject = client.Expect("3");
        Assert.Equal("9", reject.GetString(FixTags.SessionRejectReason));
        Assert.True(client.Expect("5").IsMsgType("5"));
    }

    [Fact]
    public void Sending_time_more_than_120_seconds_off_is_rejected_with_reason_10_then_logged_out()
    {
        using var client = LoggedOn();
        client.Send("0", sendingTime: FixTestClient.Now(130_000_000));
        var reject = client.Expect("3");
        Assert.Equal(("10", "52"), (reject.GetString(FixTags.SessionRejectReason), reject.GetString(FixTags.RefTagID)));
        Assert.True(client.Expect("5").IsMsgType("5"));
    }

    // ---------------------------------------------------------------- admin messages

    [Fact]
    public async Task A_heartbeat_goes_out_after_heart_bt_int_with_nothing_sent()
    {
        var clock = await WithManualClock();
        using var client = LoggedOn(heartBtInt: 2);
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(client.Closed(Short)); // (nothing is due yet; Closed keeps what arrived)
        Assert.Empty(client.Received.Skip(1));
        clock.Advance(TimeSpan.FromSeconds(0.1)); // 2 s: the heartbeat is due, the test request only at 2.4 s
        var heartbeat = client.Receive(TimeSpan.FromSeconds(10));
        Assert.True(heartbeat.IsMsgType("0"), heartbeat.ToString());
    }

    [Fact]
    public void A_test_request_is_answered_with_a_heartbeat_echoing_its_id()
    {
        using var client = LoggedOn();
        client.Send("1", (FixTags.TestReqID, "ping-42"));
        Assert.Equal("ping-42", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public async Task A_silent_client_gets_a_test_request_after_1_2_intervals_and_is_disconnected_after_2_4()
    {
        var clock = await WithManualClock();
        using var client = LoggedOn(heartBtInt: 1);
        clock.Advance(TimeSpan.FromSeconds(1.1)); // a heartbeat is due (1 s), no test request yet
        Assert.True(client.Receive(TimeSpan.FromSeconds(10)).IsMsgType("0"));
        Assert.False(client.Closed(Short));
        Assert.Empty(client.Received.Skip(2));

        clock.Advance(TimeSpan.FromSeconds(0.1)); // 1.2 s
        var testRequest = client.Receive(TimeSpan.FromSeconds(10));
        Assert.True(testRequest.IsMsgType("1"), testRequest.ToString());

        clock.Advance(TimeSpan.FromSeconds(1.1)); // 2.3 s: still connected (a heartbeat may go out)
        Assert.False(client.Closed(Short));
        clock.Advance(TimeSpan.FromSeconds(0.1)); // 2.4 s
        Assert.True(client.Closed(TimeSpan.FromSeconds(10)));
    }

    /// <summary>A host whose sessions run on a clock the test moves.</summary>
    private async Task<ManualClock> WithManualClock()
    {
        await _host.DisposeAsync();
        var clock = new ManualClock();
        _host = new FixTestHost(sessionClock: clock);
        return clock;
    }

    [Fact]
    public void A_resend_request_replays_application_messages_as_poss_dup_and_admin_ones_as_gap_fills()
    {
        _host.Index(18_000);
        _host.Fund(FixTestHost.AccountA, 100_000);
        using var client = LoggedOn();                   // gateway seq 1: Logon
        client.Send("1", (FixTags.TestReqID, "t"));       // gateway seq 2: Heartbeat (admin)
        client.Expect("0");
        client.Send("D", (FixTags.ClOrdID, "r1"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"), (FixTags.TransactTime, FixTestClient.Now()),
            (FixTags.OrderQty, "1"), (FixTags.OrdType, "2"), (FixTags.Price, "170"));
        var original = client.Expect("8");                // gateway seq 3: ExecutionReport
        Assert.Equal(3, Seq(original));

        client.Send("2", (FixTags.BeginSeqNo, "1"), (FixTags.EndSeqNo, "0"));
        var gapFill = client.Expect("4");
        Assert.Equal((1, "Y", "3", "Y"), (Seq(gapFill), gapFill.GetString(FixTags.GapFillFlag), gapFill.GetString(FixTags.NewSeqNo), gapFill.GetString(FixTags.PossDupFlag)));
        var resent = client.Expect("8");
        Assert.Equal(3, Seq(resent));
        Assert.Equal("Y", resent.GetString(FixTags.PossDupFlag));
        Assert.Equal(original.GetString(FixTags.SendingTime), resent.GetString(FixTags.OrigSendingTime));
        Assert.Equal(original.GetString(FixTags.ExecID), resent.GetString(FixTags.ExecID));
    }

    [Fact]
    public void A_resend_request_is_honoured_even_when_its_own_sequence_number_is_too_high()
    {
        using var client = LoggedOn();
        client.Send("2", [(FixTags.BeginSeqNo, "1"), (FixTags.EndSeqNo, "0")], seq: 5);
        var gapFill = client.Expect("4");
        Assert.Equal("Y", gapFill.GetString(FixTags.GapFillFlag));
        Assert.Equal("2", client.Expect("2").GetString(FixTags.BeginSeqNo)); // and our own request for the gap 2..4
    }

    [Fact]
    public void Sequence_reset_gap_fill_moves_the_expected_number()
    {
        using var client = LoggedOn();
        client.Send("4", [(FixTags.GapFillFlag, "Y"), (FixTags.NewSeqNo, "10")], seq: 2);
        client.Send("1", [(FixTags.TestReqID, "ten")], seq: 10);
        Assert.Equal("ten", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void Sequence_reset_in_reset_mode_ignores_sequence_numbers_and_a_lower_new_seq_no_is_rejected_with_5()
    {
        using var client = LoggedOn();
        client.Send("4", [(FixTags.NewSeqNo, "20")], seq: 99); // reset mode: its own number does not matter
        client.Send("1", [(FixTags.TestReqID, "twenty")], seq: 20);
        Assert.Equal("twenty", client.Expect("0").GetString(FixTags.TestReqID));
        client.Send("4", [(FixTags.NewSeqNo, "5")], seq: 21);
        var reject = client.Expect("3");
        Assert.Equal(("5", "36"), (reject.GetString(FixTags.SessionRejectReason), reject.GetString(FixTags.RefTagID)));
    }

    [Fact]
    public void A_logout_is_answered_with_a_logout_then_the_connection_closes()
    {
        using var client = LoggedOn();
        client.Send("5", (FixTags.Text, "bye"));
        Assert.True(client.Expect("5").IsMsgType("5"));
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task On_shutdown_our_logout_waits_for_the_clients_reply()
    {
        using var client = LoggedOn();
        var stopping = _host.Acceptor.StopAsync("maintenance");
        var logout = client.Expect("5");
        Assert.Equal("maintenance", logout.GetString(FixTags.Text));
        client.Send("5");
        await stopping;
        Assert.True(client.Closed(TimeSpan.FromSeconds(3)));
    }

    // ---------------------------------------------------------------- rejects

    [Theory]
    [InlineData("1", new[] { 112 }, new[] { "" }, "4", 112)]            // tag specified without a value
    [InlineData("1", new[] { 112, 9999 }, new[] { "x", "y" }, "0", 9999)] // a tag the dictionary does not define: invalid tag number, as QuickFIX
    [InlineData("1", new[] { 112, 44 }, new[] { "x", "1.5" }, "2", 44)]   // tag not defined for this message type
    [InlineData("D", new[] { 11, 55, 54, 60, 38, 40 }, new[] { "c", "SOL_USDC_PERP", "Z", "20250101-00:00:00", "1", "2" }, "5", 54)] // value out of range
    [InlineData("D", new[] { 11, 55, 54, 60, 38, 40 }, new[] { "c", "SOL_USDC_PERP", "1", "20250101-00:00:00", "one", "2" }, "6", 38)] // incorrect data format
    [InlineData("D", new[] { 11, 55, 54, 60, 38 }, new[] { "c", "SOL_USDC_PERP", "1", "20250101-00:00:00", "1" }, "1", 40)] // required tag missing
    [InlineData("1", new[] { 112, 112 }, new[] { "a", "b" }, "13", 112)]  // tag appears more than once
    [InlineData("1", new[] { 112, 49 }, new[] { "a", "CLIENT_A" }, "14", 49)] // header field after the body
    [InlineData("D", new[] { 11, 453, 448, 447, 55, 54, 60, 38, 40 }, new[] { "c", "2", "P1", "D", "SOL_USDC_PERP", "1", "20250101-00:00:00", "1", "1" }, "16", 453)] // NumInGroup count
    [InlineData("D", new[] { 11, 453, 447, 448, 55, 54, 60, 38, 40 }, new[] { "c", "1", "D", "P1", "SOL_USDC_PERP", "1", "20250101-00:00:00", "1", "1" }, "15", 453)] // group delimiter first: the group's count tag
    public void Invalid_messages_get_a_session_reject_with_the_reason_and_tag_and_still_advance_the_sequence(string msgType, int[] tags, string[] values, string reason, int refTag)
    {
        using var client = LoggedOn();
        client.Send(msgType, tags.Zip(values).Select(p => (p.First, p.Second)));
        var reject = client.Expect("3");
        Assert.Equal(reason, reject.GetString(FixTags.SessionRejectReason));
        Assert.Equal(refTag.ToString(), reject.GetString(FixTags.RefTagID));
        Assert.Equal(msgType, reject.GetString(FixTags.RefMsgType));
        Assert.Equal("2", reject.GetString(FixTags.RefSeqNum));
        Assert.False(string.IsNullOrEmpty(reject.GetString(FixTags.Text)));
        client.Send("1", (FixTags.TestReqID, "next")); // seq 3 is in sequence: the rejected 2 counted
        Assert.Equal("next", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void A_message_type_that_is_not_FIX_4_4_gets_a_session_reject_11()
    {
        using var client = LoggedOn();
        client.Send("ZZ", (FixTags.Text, "what is this"));
        var reject = client.Expect("3");
        Assert.Equal(("11", "ZZ", "35"), (reject.GetString(FixTags.SessionRejectReason), reject.GetString(FixTags.RefMsgType), reject.GetString(FixTags.RefTagID)));
        client.Send("1", (FixTags.TestReqID, "after-zz")); // the rejected message used its sequence number
        Assert.Equal("after-zz", client.Expect("0").GetString(FixTags.TestReqID));
    }

    [Fact]
    public void An_application_message_type_we_do_not_support_gets_a_business_message_reject_3()
    {
        using var client = LoggedOn();
        client.Send("R", (FixTags.Text, "a quote please")); // QuoteRequest: a FIX 4.4 message type we do not serve
        var reject = client.Expect("j");
        Assert.Equal(("R", "3"), (reject.GetString(FixTags.RefMsgType), reject.GetString(FixTags.BusinessRejectReason)));
        client.Send("8", (FixTags.OrderID, "1"), (FixTags.ExecID, "1"), (FixTags.ExecType, "0"), (FixTags.OrdStatus, "0"), (FixTags.Side, "1"),
            (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.LeavesQty, "1"), (FixTags.CumQty, "0"), (FixTags.AvgPx, "0"));
        Assert.Equal("3", client.Expect("j").GetString(FixTags.BusinessRejectReason)); // in the dictionary, but only we send it
    }

    /// <summary>Waits until the gateway has seen the previous connection of session A go.</summary>
    private void WaitUntilLoggedOff() =>
        Assert.True(SpinWait.SpinUntil(() => !_host.Session(FixTestHost.ClientA).IsLoggedOn, TimeSpan.FromSeconds(5)), "the session is still logged on");

    // ---------------------------------------------------------------- persistence

    [Fact]
    public async Task The_message_store_survives_a_restart_and_the_client_continues_its_sequence()
    {
        string directory = _host.StoreDirectory;
        _host.Index(18_000);
        _host.Fund(FixTestHost.AccountA, 100_000);
        int gatewaySeq;
        using (var client = LoggedOn())
        {
            client.Send("D", (FixTags.ClOrdID, "before"), (FixTags.Symbol, "SOL_USDC_PERP"), (FixTags.Side, "1"), (FixTags.TransactTime, FixTestClient.Now()),
                (FixTags.OrderQty, "1"), (FixTags.OrdType, "2"), (FixTags.Price, "170"));
            gatewaySeq = Seq(client.Expect("8"));
            client.Send("5");
            client.Expect("5");
        }
        _host.DeleteStoreOnDispose = false; // the restarted gateway opens the same store
        await _host.DisposeAsync();
        _host = new FixTestHost(storeDirectory: directory) { DeleteStoreOnDispose = true };

        using var again = _host.Client();
        again.NextSeq = 4; // Logon 1, order 2, logout 3
        var reply = again.Logon(reset: false);
        Assert.Equal(gatewaySeq + 2, Seq(reply)); // after the ER and our Logout
        again.Send("2", (FixTags.BeginSeqNo, gatewaySeq.ToString()), (FixTags.EndSeqNo, gatewaySeq.ToString()));
        var resent = again.Expect("8");
        Assert.Equal(("before", "Y"), (resent.GetString(FixTags.ClOrdID), resent.GetString(FixTags.PossDupFlag)));
    }
}
