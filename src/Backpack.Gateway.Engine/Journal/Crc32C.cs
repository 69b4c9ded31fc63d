using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace Backpack.Gateway.Engine.Journal;

/// <summary>
/// CRC-32C (Castagnoli, polynomial 0x1EDC6F41 reflected as 0x82F63B78), the checksum of each
/// journal record: the SSE4.2 CRC32 instruction where the CPU has it, else a table.
/// Check value: "123456789" gives 0xE3069283.
/// </summary>
public static class Crc32C
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        if (Sse42.X64.IsSupported)
        {
            ulong wide = crc;
            while (data.Length >= 8)
            {
                wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            crc = (uint)wide;
        }
        if (Sse42.IsSupported)
        {
            foreach (byte b in data) crc = Sse42.Crc32(crc, b);
        }
        else
        {
            foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return ~crc;
    }

    /// <summary>The table form, for machines without SSE4.2 (and to check the instruction against).</summary>
    public static uint ComputeWithTable(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78 ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
