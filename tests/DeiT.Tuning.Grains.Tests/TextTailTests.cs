using System.Text;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Tests;

public sealed class TextTailTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deit-text-tail-").FullName;

    private string Write(string text)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void It_gives_the_last_lines_as_a_line_reader_would()
    {
        var path = Write("one\ntwo\r\nthree\nfour\n");
        Assert.Equal(["three", "four"], TextTail.Read(path, 2));
        Assert.Equal(["one", "two", "three", "four"], TextTail.Read(path, 10));
        Assert.Equal(["two", "three", "four"], TextTail.Read(Write("one\ntwo\r\nthree\nfour"), 3)); // a last line still being written
        Assert.Equal([], TextTail.Read(path, 0));
        Assert.Equal([], TextTail.Read(Write(""), 5));
        Assert.Equal(["", "after a blank"], TextTail.Read(Write("a\n\nafter a blank\n"), 2));
        Assert.Null(TextTail.Read(Path.Combine(_folder, "absent.log"), 5));
    }

    [Fact]
    public void Lines_across_its_read_blocks_and_longer_than_one_come_back_whole()
    {
        var lines = Enumerable.Range(0, 30_000).Select(i => $"line {i} ü").ToList(); // about 400 KB: several 64 KB blocks
        lines[29_990] = new string('x', 200_000); // one line longer than a block
        var path = Write(string.Join('\n', lines) + "\n");
        Assert.Equal(lines[^20..], TextTail.Read(path, 20));
        Assert.Equal(lines[^TextTail.MaxLines..], TextTail.Read(path, 1_000_000)); // capped
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
