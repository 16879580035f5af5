using System.Diagnostics;

namespace MiniDocker.Tests.Infrastructure;

/// <summary>Compiles a small static C program into a test rootfs, to make syscalls busybox has no applet for.</summary>
public static class NativeProgram
{
    public static void Compile(string output, string source)
    {
        var file = output + ".c";
        File.WriteAllText(file, source);
        using var cc = Process.Start(new ProcessStartInfo("cc", ["-static", "-O2", "-o", output, file]) { RedirectStandardError = true })!;
        var errors = cc.StandardError.ReadToEnd();
        cc.WaitForExit();
        File.Delete(file);
        Assert.True(cc.ExitCode == 0, $"cc failed: {errors}");
    }
}
