using System.Text.Json;

namespace MiniDocker.Containers.State;

/// <summary><c>state.json</c>: written whole to a temporary file and renamed over the old one, so a reader never sees half of it.</summary>
internal static class ContainerStateFile
{
    public const string FileName = "state.json";

    public static void Write(string directory, ContainerState state)
    {
        var path = Path.Combine(directory, FileName);
        var temporary = path + "." + Storage.IngestName.New();
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(state, ContainerStateJsonContext.Default.ContainerState));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// The state of a container found dead with no engine watching it: exited, with the exit its
    /// monitor recorded (unknown when it had none), at the time of that record.
    /// </summary>
    public static ContainerState Ended(ContainerState state, string directory)
    {
        var record = Execution.ExitRecord.TryRead(directory);
        var recordFile = new FileInfo(Path.Combine(directory, Execution.ExitRecord.FileName));
        return state with
        {
            Status = "exited",
            FinishedAt = state.FinishedAt is { } finished && finished > (state.StartedAt ?? state.Created) ? finished
                : recordFile.Exists ? new DateTimeOffset(recordFile.LastWriteTimeUtc, TimeSpan.Zero) : DateTimeOffset.UtcNow,
            ExitCode = record?.ShellCode,
            ExitSignal = record?.Signal is { } signal ? ((Signal)signal).ToString() : null,
        };
    }

    /// <exception cref="ContainerStateException">The file is missing or does not parse.</exception>
    public static ContainerState Read(string directory)
    {
        var id = Path.GetFileName(directory);
        var path = Path.Combine(directory, FileName);
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ContainerStateException(id, $"Container {id[..Math.Min(12, id.Length)]} has no state file ({path}); it was being created, or its directory was damaged. Remove it with RemoveAsync(force: true).", e);
        }
        try
        {
            var state = JsonSerializer.Deserialize(json, ContainerStateJsonContext.Default.ContainerState);
            if (state is null || state.Id != id) throw new JsonException($"it names container \"{state?.Id}\"");
            return state;
        }
        catch (JsonException e)
        {
            throw new ContainerStateException(id, $"The state file of container {id[..Math.Min(12, id.Length)]} ({path}) is corrupt: {e.Message}. The container cannot be managed; remove it with RemoveAsync(force: true) (its processes, if any, are killed through its cgroup).", e);
        }
    }
}
