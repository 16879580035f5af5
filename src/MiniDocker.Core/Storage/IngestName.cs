namespace MiniDocker.Storage;

/// <summary>
/// Names of work in progress in a store's <c>ingest/</c> directory: "&lt;pid&gt;.&lt;guid&gt;", so an
/// engine can tell what a dead process left (and may remove) from what a live one is writing.
/// </summary>
internal static class IngestName
{
    public static string New() => $"{Environment.ProcessId}.{Guid.NewGuid():N}";

    public static bool IsAbandoned(string path)
    {
        var name = Path.GetFileName(path);
        var dot = name.IndexOf('.');
        return !(dot > 0 && int.TryParse(name.AsSpan(0, dot), out var pid) && Directory.Exists($"/proc/{pid}"));
    }
}
