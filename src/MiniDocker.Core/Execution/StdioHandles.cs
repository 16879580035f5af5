using System.Runtime.InteropServices;

namespace MiniDocker.Execution;

/// <summary>The files that become a container process's fd 0, 1 and 2.</summary>
internal sealed record StdioHandles(SafeHandle Input, SafeHandle Output, SafeHandle Error);
