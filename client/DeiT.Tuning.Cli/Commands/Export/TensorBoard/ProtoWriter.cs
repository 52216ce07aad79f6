using System.Buffers.Binary;
using System.Text;

namespace DeiT.Tuning.Cli.Commands.Export.TensorBoard;

/// <summary>
/// Protocol-buffer wire format for the few messages a TensorBoard event file needs: fields are written in the order
/// given (callers give them by field number, as protobuf's own serializers do), proto3 defaults (0, "") left out.
/// </summary>
public sealed class ProtoWriter
{
    private readonly MemoryStream _bytes = new();

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary><paramref name="always"/>: a member of a oneof, written even when 0.</summary>
    public ProtoWriter Double(int field, double value, bool always = false)
    {
        if (value == 0 && !always) return this;
        Tag(field, 1);
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
        _bytes.Write(buffer);
        return this;
    }

    public ProtoWriter Float(int field, float value, bool always = false)
    {
        if (value == 0 && !always) return this;
        Tag(field, 5);
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
        _bytes.Write(buffer);
        return this;
    }

    public ProtoWriter Varint(int field, long value)
    {
        if (value == 0) return this;
        Tag(field, 0);
        Raw((ulong)value);
        return this;
    }

    public ProtoWriter String(int field, string value) => value.Length == 0 ? this : Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A length-delimited field; written even when empty (an embedded message that is present but empty).</summary>
    public ProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        Raw((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    private void Tag(int field, int wireType) => Raw((ulong)(field << 3 | wireType));

    private void Raw(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
