using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Trials;
using DeiT.Tuning.Grains.Trials.Runners;

namespace DeiT.Tuning.Grains.Tests;

public sealed class TrialLogTests : IDisposable
{
    private readonly string _folder = Path.Combine(Directory.CreateTempSubdirectory("deit-trial-log-").FullName, "study", "trial-0003");

    [Fact]
    public void Attempts_append_a_header_and_their_lines_up_to_the_limit()
    {
        using (var first = TrialLog.Open(_folder, "attempt 1"))
        {
            first.Write("hello");
            first.Write("wörld");
        }
        using (var second = TrialLog.Open(_folder, "attempt 2", limitBytes: 20))
        {
            second.Write("0123456789");
            second.Write("too much"); // 11 + 9 bytes with their newlines: exactly the limit
            second.Write("never");
        }
        Assert.Equal(["== attempt 1", "hello", "wörld", "== attempt 2", "0123456789", "too much", "== the rest of this attempt's output is left out (over 20 bytes)"],
            File.ReadAllLines(Path.Combine(_folder, TrialFolder.Log)));
    }

    [Fact]
    public void Lines_that_arrive_after_the_log_is_closed_are_dropped()
    {
        var log = TrialLog.Open(_folder, "attempt 1");
        log.Write("kept");
        log.Dispose();
        log.Write("late"); // a process reader's line after the attempt ended: no exception on its thread
        Assert.Equal(["== attempt 1", "kept"], File.ReadAllLines(Path.Combine(_folder, TrialFolder.Log)));
    }

    [Fact]
    public void A_log_that_cannot_be_opened_is_skipped()
    {
        var file = Path.Combine(Path.GetDirectoryName(_folder)!, "a-file");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "");
        using var log = TrialLog.Open(Path.Combine(file, "trial-0001"), "attempt 1"); // a file stands where the folder must go
        log.Write("dropped, without an exception");
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(_folder))!, recursive: true);
}
