using Backpack.Gateway.Protocol.MessagePack;

namespace Backpack.Gateway.Protocol.Events;

/// <summary>The account figures that close a QueryAccount reply (after its orders and positions).</summary>
/// <param name="RequestId">request id of the QueryAccount</param>
/// <param name="AccountId">account</param>
/// <param name="Collateral">collateral, micro-USDC (negative = unsettled equity)</param>
/// <param name="Equity">collateral plus unrealized PnL at mark</param>
/// <param name="InitialMargin">initial margin of positions and open orders</param>
/// <param name="MaintenanceMargin">maintenance margin of positions</param>
/// <param name="Liquidating">true while the account is being liquidated</param>
/// <param name="OpenOrders">number of OrderSnapshot events sent before this one</param>
/// <param name="Positions">number of PositionSnapshot events sent before this one</param>
public readonly record struct AccountSnapshot(
    EventHeader Header,
    long RequestId,
    int AccountId,
    long Collateral,
    long Equity,
    long InitialMargin,
    long MaintenanceMargin,
    bool Liquidating,
    int OpenOrders,
    int Positions) : IProtocolMessage<AccountSnapshot>
{
    public static MessageType Type => MessageType.AccountSnapshot;

    public static int FieldCount => 12;

    /// <summary>Largest encoding: array header and every element at its widest.</summary>
    public const int MaxSize = MessagePackPrimitives.MaxArrayHeaderSize + 12 * MessagePackPrimitives.MaxIntSize;

    public void Encode(ref MessagePackWriter w)
    {
        ref byte start = ref w.Reserve(MaxSize);
        ref byte p = ref MessagePackPrimitives.WriteArrayHeader(ref start, FieldCount);
        p = ref MessagePackPrimitives.WriteInt64(ref p, (byte)Type);
        p = ref Header.Write(ref p);
        p = ref MessagePackPrimitives.WriteInt64(ref p, RequestId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, AccountId);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Collateral);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Equity);
        p = ref MessagePackPrimitives.WriteInt64(ref p, InitialMargin);
        p = ref MessagePackPrimitives.WriteInt64(ref p, MaintenanceMargin);
        p = ref MessagePackPrimitives.WriteBoolean(ref p, Liquidating);
        p = ref MessagePackPrimitives.WriteInt64(ref p, OpenOrders);
        p = ref MessagePackPrimitives.WriteInt64(ref p, Positions);
        w.Advance(ref start, ref p);
    }

    public static AccountSnapshot DecodeBody(ref MessagePackReader r) => new(
        EventHeader.Decode(ref r),
        r.ReadInt64(),
        r.ReadInt32(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadInt64(),
        r.ReadBoolean(),
        r.ReadInt32(),
        r.ReadInt32());
}
