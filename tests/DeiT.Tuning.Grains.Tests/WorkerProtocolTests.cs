using DeiT.Tuning.Grains.Trials.Runners;
using DeiT.Tuning.Training.Engine;
using DeiT.Tuning.Worker.Protocol;

namespace DeiT.Tuning.Grains.Tests;

public sealed class WorkerProtocolTests
{
    [Fact]
    public void A_start_message_comes_back_from_its_line_with_every_job_field()
    {
        var start = new StartMessage(WorkerProtocol.Version, "s/3",
            new TrainingJob
            {
                Model = "deit_micro_patch4_28",
                Data = new DatasetSpec { Kind = "fashion-mnist", Root = "/data", TrainLimit = 256 },
                Recipe = new DeitRecipe { Epochs = 2, BaseLr = 3.25e-4, Distillation = DistillationType.Hard, ClipGrad = double.NaN },
                Seed = 11,
            },
            new TrainingRunOptions { Device = "cpu", Threads = 2, CheckpointDirectory = "/ckpt/s/trial-0003" })
        {
            Fault = new WorkerFault(WorkerFaultKind.Abort, 2),
        };

        var line = WorkerProtocol.Write(start);
        var read = Assert.IsType<StartMessage>(WorkerProtocol.Read(line));

        Assert.DoesNotContain('\n', line);
        Assert.Equal(start.Job, read.Job);
        Assert.Equal(start.Run, read.Run);
        Assert.Equal(start.Fault, read.Fault);
        Assert.Equal("s/3", read.Trial);
    }

    [Fact]
    public void Lines_that_are_not_messages_are_skipped()
    {
        Assert.Null(WorkerProtocol.Read("[W NNPACK.cpp:64] Could not initialize NNPACK"));
        Assert.Null(WorkerProtocol.Read("{\"type\":\"nonsense\"}"));
        Assert.Null(WorkerProtocol.Read("{not json"));
        Assert.IsType<HeartbeatMessage>(WorkerProtocol.Read("{\"type\":\"heartbeat\"}"));
    }

    [Theory]
    [InlineData(137, 2, "worker killed by signal 9 (out of memory?) at epoch 3")]
    [InlineData(134, 1, "worker aborted (signal 6) at epoch 2")]
    [InlineData(139, 0, "worker crashed with a segmentation fault (signal 11) at epoch 1")]
    [InlineData(3, 0, "worker exited with code 3 at epoch 1")]
    public void Exit_statuses_read_as_trial_reasons(int exitCode, int epochsReported, string reason) =>
        Assert.Equal(reason, ExitReason.Describe("worker", exitCode, epochsReported, ""));

    [Fact]
    public void An_unhandled_exception_reads_as_its_headline_not_its_stack_frames()
    {
        var tail = new StderrTail(linesKept: 2);
        foreach (var line in new[]
                 {
                     "Unhandled exception. System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.",
                     "   at System.IO.StreamWriter.Flush(Boolean flushStream, Boolean flushEncoder)",
                     "   --- End of stack trace from previous location ---",
                     "",
                     "   at Program.<Main>$(String[] args) in /src/Program.cs:line 1",
                 })
            tail.Add(line);

        Assert.Equal("Unhandled exception. System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.",
            tail.ToString());
        tail.Add("second");
        tail.Add("third");
        Assert.Equal("second | third", tail.ToString());
    }
}
