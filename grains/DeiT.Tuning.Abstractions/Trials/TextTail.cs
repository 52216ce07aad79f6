namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>The last lines of a text file that may still be growing (a trial's log), read back from its end.</summary>
public static class TextTail
{
    public const int MaxLines = 5000;
    private const int BlockBytes = 64 * 1024;

    /// <summary>At most <paramref name="lines"/> (capped at <see cref="MaxLines"/>) last lines; null when there is no such file.</summary>
    public static IReadOnlyList<string>? Read(string path, int lines)
    {
        if (GrowingFile.TryOpen(path) is not { } stream) return null;
        using (stream)
        {
            var wanted = Math.Clamp(lines, 0, MaxLines);
            if (wanted == 0) return [];
            var end = stream.Length; // what is written after this is the next read's
            var blocks = new List<byte[]>();
            var position = end;
            long start = 0;
            var lineEnds = 0;
            while (position > 0)
            {
                var block = new byte[(int)Math.Min(BlockBytes, position)];
                position -= block.Length;
                stream.Position = position;
                stream.ReadExactly(block);
                blocks.Insert(0, block);
                // The wanted lines begin after the wanted-th line end from the file's end (its own final one aside).
                var cut = -1;
                for (var i = block.Length - 1; i >= 0 && cut < 0; i--)
                    if (block[i] == (byte)'\n' && position + i != end - 1 && ++lineEnds == wanted) cut = i + 1;
                if (cut >= 0)
                {
                    start = position + cut;
                    break;
                }
            }
            return GrowingFile.Lines(blocks.SelectMany(b => b).Skip((int)(start - position)).ToArray());
        }
    }
}
