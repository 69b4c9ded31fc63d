using System.Text;
using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Fix.Tests;

/// <summary>A session's state without sockets: its ExecIDs, its ids, and its orders restored after a restart.</summary>
public sealed class FixSessionStateTests : IDisposable
{
    private const int Number = 3;
    private const int Account = 7;
    private readonly string _folder = Directory.CreateTempSubdirectory("bp-sessionstate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static FixSession Session() => new(
        new FixSessionSettings { Number = Number, SenderCompId = "BACKPACK", TargetCompId = "ALICE", Accounts = [Account] },
        new MemoryMessageStore(), FixTestHost.Dictionary, new NoApplication(), () => 0);

    private static string Written(ExecId id)
    {
        var buffer = new byte[256];
        var w = new FixWriter(buffer, "8"u8);
        id.Write(ref w);
        return Encoding.ASCII.GetString(buffer).Replace('\u0001', '|');
    }

    [Fact]
    public void ExecIDs_name_the_command_sequence_and_the_session_and_count_up_from_the_clock()
    {
        using var log = new FixOrderLog(_folder, "BACKPACK-ALICE");
        var state = new FixSessionState(Session(), log, now: 1000);

        Assert.Contains("|17=E42-3-1001|", Written(state.NextExecId(42)));
        Assert.Contains("|17=X3-1002|", Written(state.NextExecId()));
        Assert.Contains("|17=T99|", Written(new ExecId('T', 99, -1, -1)));
        Assert.Equal(RequestTag.Make(RequestTag.Fix, Number, 2), state.NextClientOrderId());
        Assert.Equal(RequestTag.Make(RequestTag.Fix, Number, 2), state.NextRequestId());
    }

    [Fact]
    public void Restore_knows_open_orders_by_their_last_ClOrdID_and_keeps_every_used_ClOrdID_and_id()
    {
        long first = RequestTag.Make(RequestTag.Fix, Number, 500);
        long replaced = RequestTag.Make(RequestTag.Fix, Number, 501);
        long done = RequestTag.Make(RequestTag.Fix, Number, 502);
        using (var earlier = new FixOrderLog(_folder, "BACKPACK-ALICE"))
        {
            earlier.New(first, "a-1");
            earlier.Replaced(replaced, first, "a-2");
            earlier.New(done, "c-1");
        }
        using var log = new FixOrderLog(_folder, "BACKPACK-ALICE");
        var state = new FixSessionState(Session(), log, now: 1000);
        OrderSnapshot[] open =
        [
            Snapshot(orderId: 555, clientOrderId: replaced, cumulative: 2),
            Snapshot(orderId: 556, clientOrderId: RequestTag.Make(RequestTag.WebSocket, 1, 9), cumulative: 0), // another channel's
        ];

        FixSessionState.Restore(state, account => account == Account ? open : []);

        var order = state.Orders.ByClOrdId("a-2");
        Assert.NotNull(order);
        Assert.Equal(555, order.OrderId);
        Assert.Equal(replaced, order.ClientOrderId);
        Assert.Equal('1', order.OrdStatus);
        Assert.Same(order, state.Orders.ByOrderId(555));
        Assert.Null(state.Orders.ByOrderId(556));
        Assert.True(state.Orders.IsUsed("a-1"));
        Assert.True(state.Orders.IsUsed("c-1"));
        Assert.Equal(RequestTag.Make(RequestTag.Fix, Number, 503), state.NextClientOrderId());
    }

    private static OrderSnapshot Snapshot(long orderId, long clientOrderId, long cumulative) => new(
        new EventHeader(1, 1), 0, Account, 1, orderId, clientOrderId, Side.Buy, OrderType.Limit, TimeInForce.Gtc,
        Price: 100, Quantity: 5, LeavesQuantity: 5 - cumulative, CumulativeQuantity: cumulative, CumulativeQuote: cumulative * 100,
        default, OrderOrigin.User, 0, default, default, 0, false, default, 0);

    private sealed class NoApplication : IFixApplication
    {
        public string? Authenticate(FixSession session, FixMessage logon) => null;
        public void OnLogon(FixSession session) { }
        public void OnLogout(FixSession session) { }
        public void OnMessage(FixSession session, FixMessage message) { }
    }
}
