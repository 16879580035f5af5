using System.Text.RegularExpressions;
using MiniDocker.Storage;

namespace MiniDocker.Images;

/// <summary>
/// A reference to an image, normalised as Docker does: <c>busybox</c> is <c>docker.io/library/busybox:latest</c>,
/// a first component with a dot, a port or the name <c>localhost</c> is a registry, and a digest pins the content.
/// </summary>
public sealed partial record ImageReference
{
    /// <summary>The registry used when a reference names none.</summary>
    public const string DefaultRegistry = "docker.io";

    /// <summary>The tag used when a reference names neither a tag nor a digest.</summary>
    public const string DefaultTag = "latest";

    private const int MaxNameLength = 255;

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry's host (and port), such as <c>docker.io</c> or <c>127.0.0.1:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path within the registry, such as <c>library/busybox</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag; null when the reference is by digest alone.</summary>
    public string? Tag { get; }

    /// <summary>The digest the reference pins, if any.</summary>
    public Digest? Digest { get; }

    /// <summary>The host to connect to: Docker Hub's API lives at <c>registry-1.docker.io</c>.</summary>
    public string RegistryEndpoint => Registry == DefaultRegistry ? "registry-1.docker.io" : Registry;

    /// <summary>What a manifest request names: the digest when pinned, otherwise the tag.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag!;

    /// <summary>The registry and repository without tag or digest.</summary>
    public string Name => $"{Registry}/{Repository}";

    /// <summary>Parses a reference as <c>docker pull</c> would accept it.</summary>
    /// <exception cref="FormatException">The text is not a valid image reference; the message says which part.</exception>
    public static ImageReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var remainder = text.Trim();
        if (remainder.Length == 0)
            throw Invalid(text, "it is empty");

        Digest? digest = null;
        var at = remainder.IndexOf('@');
        if (at >= 0)
        {
            if (!Storage.Digest.TryParse(remainder[(at + 1)..], out var parsed))
                throw Invalid(text, $"'{remainder[(at + 1)..]}' after '@' is not a sha256 or sha512 digest");
            digest = parsed;
            remainder = remainder[..at];
        }

        string? tag = null;
        var colon = remainder.LastIndexOf(':');
        if (colon > remainder.LastIndexOf('/'))
        {
            tag = remainder[(colon + 1)..];
            remainder = remainder[..colon];
            if (!TagPattern().IsMatch(tag))
                throw Invalid(text, $"the tag '{tag}' must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
        }

        var (registry, repository) = SplitRegistry(remainder);
        if (!RegistryPattern().IsMatch(registry))
            throw Invalid(text, $"'{registry}' is not a registry host name (with an optional port)");
        if (repository.Any(char.IsAsciiLetterUpper))
            throw Invalid(text, $"the repository '{repository}' must be lowercase");
        if (repository.Split('/').FirstOrDefault(c => !PathComponentPattern().IsMatch(c)) is { } component)
            throw Invalid(text, $"'{component}' in '{repository}' must be lowercase letters and digits, separated by '.', '_', '__' or dashes");
        if (registry.Length + 1 + repository.Length > MaxNameLength)
            throw Invalid(text, $"the name is longer than {MaxNameLength} characters");

        return new ImageReference(registry, repository, tag ?? (digest is null ? DefaultTag : null), digest);
    }

    /// <summary>Parses a reference, returning null instead of throwing.</summary>
    public static ImageReference? TryParse(string? text)
    {
        if (text is null)
            return null;
        try
        {
            return Parse(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The same repository with another tag (and no digest).</summary>
    public ImageReference WithTag(string tag) => Parse($"{Name}:{tag}");

    /// <summary>The same repository pinned to <paramref name="digest"/> (and no tag).</summary>
    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, null, digest);

    /// <summary>The full normalised form, such as <c>docker.io/library/busybox:latest</c>.</summary>
    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is { } d ? "@" + d : "");

    private static (string Registry, string Repository) SplitRegistry(string name)
    {
        var slash = name.IndexOf('/');
        var first = slash < 0 ? "" : name[..slash];
        var isRegistry = first.Length > 0 && (first.Contains('.') || first.Contains(':') || first == "localhost");
        if (!isRegistry)
            return (DefaultRegistry, name.Contains('/') ? name : "library/" + name);
        var registry = first == "index.docker.io" ? DefaultRegistry : first;
        var repository = name[(slash + 1)..];
        return (registry, registry == DefaultRegistry && !repository.Contains('/') ? "library/" + repository : repository);
    }

    private static FormatException Invalid(string text, string why) =>
        new($"'{text}' is not a valid image reference: {why}. Write it as [registry/]repository[:tag][@sha256:digest], for example 'busybox:1.36' or '127.0.0.1:5000/team/app@sha256:…'.");

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex PathComponentPattern();

    [GeneratedRegex(@"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")]
    private static partial Regex RegistryPattern();
}
