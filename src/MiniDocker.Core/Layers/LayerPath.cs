namespace MiniDocker.Layers;

/// <summary>
/// Entry names of a layer archive, checked as strings before anything touches the disk (the
/// kernel then resolves them beneath the layer root as well).
/// </summary>
internal static class LayerPath
{
    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>"./usr//bin/" becomes "usr/bin"; the root itself becomes "".</summary>
    /// <exception cref="LayerArchiveException">The name is absolute or has a ".." component.</exception>
    public static string Normalize(string name, string entryName)
    {
        if (name.StartsWith('/'))
            throw new LayerArchiveException($"The layer entry \"{entryName}\" has an absolute path; layer entries must be relative to the layer root. The archive is refused.", entryName);
        if (name.Contains('\0'))
            throw new LayerArchiveException($"The layer entry \"{entryName}\" has a NUL byte in its name. The archive is refused.", entryName);
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains(".."))
            throw new LayerArchiveException($"The layer entry \"{entryName}\" has a \"..\" component that would reach outside the layer. The archive is refused.", entryName);
        return string.Join('/', parts);
    }

    /// <summary>Splits "a/b/c" into ("a/b", "c") and "c" into ("", "c").</summary>
    public static (string Parent, string Leaf) Split(string normalized)
    {
        int slash = normalized.LastIndexOf('/');
        return slash < 0 ? ("", normalized) : (normalized[..slash], normalized[(slash + 1)..]);
    }
}
