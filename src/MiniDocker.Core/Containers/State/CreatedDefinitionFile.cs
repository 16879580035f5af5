using System.Text.Json;

namespace MiniDocker.Containers.State;

/// <summary><c>created.json</c>, written whole and renamed into place like <c>state.json</c>.</summary>
internal static class CreatedDefinitionFile
{
    public const string FileName = "created.json";

    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, FileName));

    public static async Task WriteAsync(string directory, CreatedDefinition definition, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        var temporary = path + "." + Storage.IngestName.New();
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(definition, CreatedDefinitionJsonContext.Default.CreatedDefinition), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    /// <exception cref="ContainerStateException">The file is empty or does not parse.</exception>
    public static async Task<CreatedDefinition> ReadAsync(string directory, ContainerState state, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize(await File.ReadAllBytesAsync(Path.Combine(directory, FileName), cancellationToken).ConfigureAwait(false),
                CreatedDefinitionJsonContext.Default.CreatedDefinition) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new ContainerStateException(state.Id, $"Container {state.Name}'s {FileName} cannot be read ({e.Message}); remove it and create it again.");
        }
    }
}
