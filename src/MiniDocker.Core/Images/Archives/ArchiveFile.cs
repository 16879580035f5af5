namespace MiniDocker.Images.Archives;

/// <summary>One file of an image archive, from a tar or from a directory: its path inside the archive and its content.</summary>
internal sealed record ArchiveFile(string Path, Stream Content, long Size);
