namespace MiniDocker.Cgroups;

/// <summary>
/// The files of a cgroup hierarchy. The drivers go through this seam so their mapping can be
/// tested against a model of the kernel's cgroupfs, including the errors it returns.
/// </summary>
internal interface ICgroupFileSystem
{
    bool FileExists(string path);

    bool DirectoryExists(string path);

    /// <exception cref="CgroupException">The file cannot be read.</exception>
    string ReadFile(string path);

    /// <summary>Writes <paramref name="value"/> in one write(2), as cgroupfs requires.</summary>
    /// <exception cref="CgroupException">The kernel refused the value; the message names the file, the value and the errno.</exception>
    void WriteFile(string path, string value);

    /// <summary>Creates the directory; an existing one is fine.</summary>
    void CreateDirectory(string path);

    /// <summary>Removes an empty cgroup.</summary>
    /// <returns>False when the cgroup still has processes or children (EBUSY).</returns>
    bool RemoveDirectory(string path);

    IEnumerable<string> ListDirectories(string path);

    /// <summary>When the directory was made, to leave alone cgroups another engine is creating right now.</summary>
    DateTimeOffset CreationTime(string path);
}
