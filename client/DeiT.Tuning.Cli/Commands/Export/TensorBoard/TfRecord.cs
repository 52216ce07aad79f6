using System.Buffers.Binary;
using System.Numerics;

namespace DeiT.Tuning.Cli.Commands.Export.TensorBoard;

/// <summary>TFRecord framing of an event file: each record is its length (u64), the length's masked CRC-32C, the
/// data, and the data's masked CRC-32C, all little-endian.</summary>
public static class TfRecord
{
    public static void Write(Stream output, byte[] data)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)data.Length);
        Span<byte> crc = stackalloc byte[4];
        output.Write(length);
        BinaryPrimitives.WriteUInt32LittleEndian(crc, MaskedCrc(length));
        output.Write(crc);
        output.Write(data);
        BinaryPrimitives.WriteUInt32LittleEndian(crc, MaskedCrc(data));
        output.Write(crc);
    }

    /// <summary>CRC-32C (Castagnoli), as TFRecord and iSCSI use it.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return (uint)(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }
}
