using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Backpack.Gateway.Protocol.MessagePack;

/// <summary>
/// Cursor-style writers for encoding a whole message after one room check: each takes a reference
/// to the next free byte and returns the reference just past what it wrote, so the cursor stays in
/// a register. Use them between <see cref="MessagePackWriter.Reserve"/> and
/// <see cref="MessagePackWriter.Advance(ref byte, ref byte)"/>, having reserved the worst case
/// (9 bytes per integer). Formats and sizes are the same as <see cref="MessagePackWriter"/>'s.
/// </summary>
public static class MessagePackPrimitives
{
    /// <summary>Widest encoding of an integer (int 64 / uint 64).</summary>
    public const int MaxIntSize = 9;

    /// <summary>Widest array header (array 32).</summary>
    public const int MaxArrayHeaderSize = 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte WriteArrayHeader(ref byte dst, int count)
    {
        if ((uint)count <= 15)
        {
            dst = (byte)(MessagePackCode.MinFixArray | count);
            return ref Unsafe.Add(ref dst, 1);
        }
        if ((uint)count <= ushort.MaxValue)
        {
            dst = MessagePackCode.Array16;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, 1), BigEndian((ushort)count));
            return ref Unsafe.Add(ref dst, 3);
        }
        dst = MessagePackCode.Array32;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, 1), BigEndian((uint)count));
        return ref Unsafe.Add(ref dst, 5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte WriteBoolean(ref byte dst, bool value)
    {
        dst = value ? MessagePackCode.True : MessagePackCode.False;
        return ref Unsafe.Add(ref dst, 1);
    }

    /// <summary>A signed integer in the smallest format.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte WriteInt64(ref byte dst, long value)
    {
        if ((ulong)value <= MessagePackCode.MaxPositiveFixInt || (value >= -32 && value < 0))
        {
            dst = unchecked((byte)value);
            return ref Unsafe.Add(ref dst, 1);
        }
        return ref WriteWide(ref dst, value);
    }

    /// <summary>Always int 64: 0xd3 and 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte WriteInt64Fixed(ref byte dst, long value)
    {
        dst = MessagePackCode.Int64;
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, 1), BigEndian((ulong)value));
        return ref Unsafe.Add(ref dst, 9);
    }

    private static ref byte WriteWide(ref byte dst, long value)
    {
        ref byte data = ref Unsafe.Add(ref dst, 1);
        if (value > 0)
        {
            if (value <= byte.MaxValue)
            {
                dst = MessagePackCode.UInt8;
                data = (byte)value;
                return ref Unsafe.Add(ref dst, 2);
            }
            if (value <= ushort.MaxValue)
            {
                dst = MessagePackCode.UInt16;
                Unsafe.WriteUnaligned(ref data, BigEndian((ushort)value));
                return ref Unsafe.Add(ref dst, 3);
            }
            if (value <= uint.MaxValue)
            {
                dst = MessagePackCode.UInt32;
                Unsafe.WriteUnaligned(ref data, BigEndian((uint)value));
                return ref Unsafe.Add(ref dst, 5);
            }
            dst = MessagePackCode.UInt64;
            Unsafe.WriteUnaligned(ref data, BigEndian((ulong)value));
            return ref Unsafe.Add(ref dst, 9);
        }
        if (value >= sbyte.MinValue)
        {
            dst = MessagePackCode.Int8;
            data = unchecked((byte)value);
            return ref Unsafe.Add(ref dst, 2);
        }
        if (value >= short.MinValue)
        {
            dst = MessagePackCode.Int16;
            Unsafe.WriteUnaligned(ref data, BigEndian((ushort)value));
            return ref Unsafe.Add(ref dst, 3);
        }
        if (value >= int.MinValue)
        {
            dst = MessagePackCode.Int32;
            Unsafe.WriteUnaligned(ref data, BigEndian((uint)value));
            return ref Unsafe.Add(ref dst, 5);
        }
        return ref WriteInt64Fixed(ref dst, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ushort BigEndian(ushort v) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint BigEndian(uint v) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong BigEndian(ulong v) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;
}
