using System.Runtime.InteropServices;

namespace MiniDocker.Security.Seccomp;

/// <summary>
/// A compiled seccomp program for one architecture: load it into a process to confine it.
/// Filters apply to a thread and everything it starts after; they cannot be removed.
/// </summary>
public sealed class SeccompFilter
{
    internal SeccompFilter(BpfInstruction[] instructions, SeccompArchitecture architecture, IReadOnlyList<string> unknownSyscalls, int syscallCount)
    {
        Instructions = instructions;
        Architecture = architecture;
        UnknownSyscalls = unknownSyscalls;
        SyscallCount = syscallCount;
    }

    /// <summary>The BPF program.</summary>
    public IReadOnlyList<BpfInstruction> Instructions { get; }

    /// <summary>The number of instructions (the kernel takes at most 4096).</summary>
    public int Length => Instructions.Count;

    /// <summary>The architecture the filter was compiled for.</summary>
    public SeccompArchitecture Architecture { get; }

    /// <summary>How many distinct syscalls the filter has rules for.</summary>
    public int SyscallCount { get; }

    /// <summary>
    /// Syscalls the profile names that do not exist on this architecture (other architectures'
    /// or 32-bit calls, or ones newer than MiniDocker's tables); they cannot be in the filter.
    /// </summary>
    public IReadOnlyList<string> UnknownSyscalls { get; }

    /// <summary>The program as the bytes of struct sock_filter[], as seccomp(2) takes it.</summary>
    public byte[] ToBytes() => MemoryMarshal.AsBytes(((BpfInstruction[])Instructions).AsSpan()).ToArray();

    /// <summary>
    /// Runs the filter on a syscall as the kernel would and returns its verdict, with how many
    /// instructions ran: how decisions and the hot path are checked without loading the filter.
    /// </summary>
    public SeccompVerdict Evaluate(int syscall, params ulong[] arguments) =>
        BpfInterpreter.Run((BpfInstruction[])Instructions, Architecture.AuditArch(), syscall, arguments);

    /// <summary>The verdict for a syscall by name on this filter's architecture.</summary>
    public SeccompVerdict Evaluate(string syscall, params ulong[] arguments) =>
        Evaluate(Architecture.Syscalls().TryGetValue(syscall, out var nr) ? nr : throw new ArgumentException($"\"{syscall}\" is not a syscall on {Architecture}.", nameof(syscall)), arguments);

    /// <summary>
    /// Confines the calling thread (and the threads and processes it starts afterwards). Sets
    /// no_new_privs first, as the kernel requires of a process without CAP_SYS_ADMIN.
    /// </summary>
    /// <exception cref="InvalidOperationException">The filter is for another architecture.</exception>
    public void ApplyToCurrentThread() => SeccompLoader.Load(this, allThreads: false);

    /// <summary>Confines every thread of this process at once (SECCOMP_FILTER_FLAG_TSYNC).</summary>
    public void ApplyToAllThreads() => SeccompLoader.Load(this, allThreads: true);
}
