using System.Text;

namespace DeiT.Tuning.Abstractions.Trials;

/// <summary>A trial's file that its silo may still be writing (or not have written yet): how it is opened, and how its
/// bytes become lines.</summary>
public static class GrowingFile
{
    /// <summary>The file opened for reading beside its writer; null when there is no such file.</summary>
    public static FileStream? TryOpen(string path, bool useAsync = false)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The lines of UTF-8 text (\n or \r\n ends); a final line end does not start another line.</summary>
    public static IReadOnlyList<string> Lines(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        if (text.Length == 0) return [];
        if (text.EndsWith('\n')) text = text[..^1];
        return text.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
    }
}
