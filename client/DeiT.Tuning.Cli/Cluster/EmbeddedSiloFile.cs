using System.Diagnostics;
using System.Text.Json;

namespace DeiT.Tuning.Cli.Cluster;

/// <summary>
/// ./.deit-tune/silo.json: written by the process hosting the folder's embedded silo (its pid and gateway port) so
/// later commands in the same folder connect to it instead of starting another silo on the same SQLite file.
/// </summary>
public sealed record EmbeddedSiloFile(int Pid, int GatewayPort, int SiloPort, string ClusterId)
{
    public const string Folder = ".deit-tune";
    public static string PathIn(string directory) => Path.Combine(directory, Folder, "silo.json");

    /// <summary>The running embedded silo of this folder, or null (no file, or its process is gone).</summary>
    public static EmbeddedSiloFile? FindRunning(string directory)
    {
        var path = PathIn(directory);
        if (!File.Exists(path)) return null;
        try
        {
            var file = JsonSerializer.Deserialize<EmbeddedSiloFile>(File.ReadAllText(path));
            return file is not null && IsAlive(file.Pid) ? file : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    public void Write(string directory)
    {
        var path = PathIn(directory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Removes the file if it is still this process's.</summary>
    public static void RemoveOwn(string directory)
    {
        var path = PathIn(directory);
        try
        {
            if (File.Exists(path) && JsonSerializer.Deserialize<EmbeddedSiloFile>(File.ReadAllText(path))?.Pid == Environment.ProcessId)
                File.Delete(path);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
