namespace MiniDocker.Cgroups;

/// <summary>Throttles of one block device; a null value leaves that throttle unlimited.</summary>
/// <param name="DevicePath">The block device on the host, such as <c>/dev/vda</c>.</param>
/// <param name="ReadBytesPerSecond">Read bandwidth.</param>
/// <param name="WriteBytesPerSecond">Write bandwidth.</param>
/// <param name="ReadOperationsPerSecond">Read operations.</param>
/// <param name="WriteOperationsPerSecond">Write operations.</param>
public sealed record BlockIoDeviceLimit(
    string DevicePath,
    ulong? ReadBytesPerSecond = null,
    ulong? WriteBytesPerSecond = null,
    ulong? ReadOperationsPerSecond = null,
    ulong? WriteOperationsPerSecond = null);
