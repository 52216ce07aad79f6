using System.Text;
using DeiT.Tuning.Worker.Protocol;

namespace DeiT.Tuning.Worker;

/// <summary>Writes protocol lines to stdout, serialized between the training and heartbeat threads.</summary>
internal sealed class ProtocolWriter(Stream output)
{
    private readonly StreamWriter _writer = new(output, new UTF8Encoding(false)) { AutoFlush = true };
    private readonly Lock _gate = new();

    public void Send(WorkerMessage message)
    {
        var line = WorkerProtocol.Write(message);
        lock (_gate) _writer.WriteLine(line);
    }

    /// <summary>For the heartbeat thread: a closed pipe means the silo is gone, which the training thread learns too.</summary>
    public void TrySend(WorkerMessage message)
    {
        try
        {
            Send(message);
        }
        catch (IOException)
        {
        }
    }
}
