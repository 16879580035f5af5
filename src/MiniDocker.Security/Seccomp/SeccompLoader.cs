using System.ComponentModel;
using System.Runtime.InteropServices;
using MiniDocker.Security.Interop;

namespace MiniDocker.Security.Seccomp;

/// <summary>Loads a compiled filter into the calling thread or process.</summary>
internal static unsafe class SeccompLoader
{
    public static void Load(SeccompFilter filter, bool allThreads)
    {
        if (filter.Architecture != SeccompArchitectures.Current)
            throw new InvalidOperationException($"The filter was compiled for {filter.Architecture}; this process runs on {SeccompArchitectures.Current}.");
        long seccompSyscall = filter.Architecture == SeccompArchitecture.X86_64 ? 317 : 277;
        if (SeccompNative.Prctl(SeccompNative.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "prctl(PR_SET_NO_NEW_PRIVS) failed");
        var code = filter.ToBytes();
        fixed (byte* p = code)
        {
            var program = new SeccompNative.SockFprog { Length = (ushort)filter.Length, Filter = p };
            if (SeccompNative.Syscall(seccompSyscall, SeccompNative.SECCOMP_SET_MODE_FILTER,
                    allThreads ? SeccompNative.SECCOMP_FILTER_FLAG_TSYNC : 0, &program) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), $"seccomp(SECCOMP_SET_MODE_FILTER{(allThreads ? ", TSYNC" : "")}) failed");
        }
    }
}
