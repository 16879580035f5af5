using System.Text.Json;
using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>
/// <c>references.json</c>: which images the store holds and which tags name them. Readers read
/// the file as it is (it is only ever replaced whole, by rename); writers change it under
/// <c>index.lock</c>, so engines in several processes never lose each other's changes.
/// </summary>
internal sealed class ReferenceIndex(string directory)
{
    private string FilePath => Path.Combine(directory, "references.json");

    private string LockPath => Path.Combine(directory, "index.lock");

    public ReferenceIndexState Read()
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(FilePath);
        }
        catch (FileNotFoundException)
        {
            return new ReferenceIndexState();
        }
        try
        {
            return JsonSerializer.Deserialize(json, ImageJsonContext.Default.ReferenceIndexState) ?? new ReferenceIndexState();
        }
        catch (JsonException e)
        {
            throw new ImageFormatException($"The image index {FilePath} is corrupt ({e.Message}). Move it away; the engine then starts with no tags, and the blobs stay.", e);
        }
    }

    /// <summary>Reads, changes and writes the index under its lock.</summary>
    public async Task<T> UpdateAsync<T>(Func<ReferenceIndexState, T> change, CancellationToken cancellationToken)
    {
        using var _ = await StoreLock.ExclusiveAsync(LockPath, cancellationToken).ConfigureAwait(false);
        var state = Read();
        var result = change(state);
        var temporary = FilePath + "." + IngestName.New();
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            await JsonSerializer.SerializeAsync(file, state, ImageJsonContext.Default.ReferenceIndexState, CancellationToken.None).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, FilePath, overwrite: true);
        return result;
    }
}
