using Microsoft.Data.Sqlite;
using Orleans.Serialization;
using Orleans.Storage;

namespace DeiT.Tuning.Grains.Storage;

/// <summary>
/// Grain state in one SQLite file: a row per (state name, grain id) holding the Orleans-serialized state and an
/// integer version used as the ETag. A write whose ETag is not the stored one fails with
/// <see cref="InconsistentStateException"/>, so two activations can never silently overwrite each other.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage
{
    private readonly string _connectionString;
    private readonly Serializer _serializer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _initialized;

    public SqliteGrainStorage(string path, Serializer serializer)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30 }.ToString();
        _serializer = serializer;
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, payload FROM grain_state WHERE state_name = $name AND grain_id = $id";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        var version = reader.GetInt64(0);
        var payload = (byte[])reader.GetValue(1);
        grainState.State = _serializer.Deserialize<T>(payload);
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.SerializeToArray(grainState.State);
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        if (grainState.ETag is null)
        {
            command.CommandText = "INSERT INTO grain_state (state_name, grain_id, version, payload) VALUES ($name, $id, 1, $payload) ON CONFLICT DO NOTHING";
        }
        else
        {
            command.CommandText = "UPDATE grain_state SET version = version + 1, payload = $payload WHERE state_name = $name AND grain_id = $id AND version = $version";
            command.Parameters.AddWithValue("$version", long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture));
        }
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$payload", payload);
        if (await command.ExecuteNonQueryAsync() != 1)
            throw new InconsistentStateException(
                $"state '{stateName}' of {grainId} was changed by someone else (expected version {grainState.ETag ?? "none"})");
        var next = grainState.ETag is null ? 1 : long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture) + 1;
        grainState.ETag = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE state_name = $name AND grain_id = $id AND version = $version";
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$version", grainState.ETag is null ? -1 : long.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture));
        if (grainState.ETag is not null && await command.ExecuteNonQueryAsync() != 1)
            throw new InconsistentStateException($"state '{stateName}' of {grainId} was changed by someone else (expected version {grainState.ETag})");
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        if (_initialized) return connection;
        await _gate.WaitAsync();
        try
        {
            if (!_initialized)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = """
                    PRAGMA journal_mode = WAL;
                    CREATE TABLE IF NOT EXISTS grain_state (
                        state_name TEXT NOT NULL,
                        grain_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        payload BLOB NOT NULL,
                        PRIMARY KEY (state_name, grain_id));
                    """;
                await command.ExecuteNonQueryAsync();
                _initialized = true;
            }
        }
        finally
        {
            _gate.Release();
        }
        return connection;
    }
}
