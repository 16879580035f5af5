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
