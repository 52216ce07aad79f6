using System.Globalization;
using System.Text;

namespace DeiT.Tuning.Training.Data;

/// <summary>The regular-file members of a tar (ustar, GNU long names, PAX path/size records): name, data offset, size.</summary>
internal static class TarMembers
{
    private const int Block = 512;

    public static IEnumerable<(string Name, long Offset, long Length)> Read(Stream stream, string tarPath)
    {
        var header = new byte[Block];
        string? longName = null;
        long? paxSize = null;
        while (true)
        {
            long headerAt = stream.Position;
            int read = stream.ReadAtLeast(header, Block, throwOnEndOfStream: false);
            if (read == 0 || header.AsSpan().IndexOfAnyExcept((byte)0) < 0) yield break;   // end-of-archive blocks
            if (read < Block) throw new DatasetFileException($"{tarPath}: truncated tar header at byte {headerAt}.");
            long size = paxSize ?? Size(header, tarPath, headerAt);
            char type = (char)header[156];
            long dataAt = headerAt + Block, next = dataAt + (size + Block - 1) / Block * Block;
            switch (type)
            {
                case 'L':
                    longName = ReadText(stream, dataAt, size).TrimEnd('\0');
                    paxSize = null;
                    break;
                case 'x':
                    (longName, paxSize) = Pax(ReadText(stream, dataAt, size), longName);
                    break;
                case '0' or '\0':
                    yield return (longName ?? Name(header), dataAt, size);
                    longName = null;
                    paxSize = null;
                    break;
                default:
                    longName = null;
                    paxSize = null;
                    break;
            }
            if (next > stream.Length) throw new DatasetFileException($"{tarPath}: truncated: a member at byte {headerAt} runs past the end.");
            stream.Position = next;
        }
    }

    private static string Name(byte[] header)
    {
        string name = Field(header, 0, 100);
        bool ustar = Encoding.ASCII.GetString(header, 257, 5) == "ustar";
        string prefix = ustar ? Field(header, 345, 155) : "";
        return prefix.Length > 0 ? prefix + "/" + name : name;
    }

    private static string Field(byte[] header, int at, int length)
    {
        var span = header.AsSpan(at, length);
        int end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    private static long Size(byte[] header, string tarPath, long headerAt)
    {
        var field = header.AsSpan(124, 12);
        if ((field[0] & 0x80) != 0)   // GNU base-256 for sizes of 8 GiB and more
        {
            long value = field[0] & 0x7F;
            for (int i = 1; i < field.Length; i++) value = (value << 8) | field[i];
            return value;
        }
        var text = Encoding.ASCII.GetString(field).Trim('\0', ' ');
        try { return text.Length == 0 ? 0 : Convert.ToInt64(text, 8); }
        catch (FormatException) { throw new DatasetFileException($"{tarPath}: not a tar file (bad size field at byte {headerAt})."); }
    }

    private static string ReadText(Stream stream, long at, long length)
    {
        var bytes = new byte[length];
        stream.Position = at;
        stream.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The "path" and "size" of a PAX extended header ("len key=value\n" records).</summary>
    private static (string? Path, long? Size) Pax(string records, string? path)
    {
        long? size = null;
        foreach (var record in records.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int space = record.IndexOf(' '), equals = record.IndexOf('=');
            if (space < 0 || equals < space) continue;
            var key = record[(space + 1)..equals];
            var value = record[(equals + 1)..];
            if (key == "path") path = value;
            else if (key == "size") size = long.Parse(value, CultureInfo.InvariantCulture);
        }
        return (path, size);
    }
}
