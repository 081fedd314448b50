using System.Runtime.InteropServices;

namespace Borealis.Hosting;

/// <summary>POSIX calls .NET does not wrap: sending SIGTERM (Process.Kill only sends SIGKILL), the parent's process id.</summary>
internal static partial class NativeMethods
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks, which only the engine's VFS interop may have.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int KillNative(int pid, int signal);

    [DllImport("libc", EntryPoint = "getppid")]
    static extern int GetParentPidNative();

    [DllImport("libc", EntryPoint = "_exit")]
    static extern void ExitNative(int status);
#pragma warning restore SYSLIB1054

    /// <summary>Ends the process at once with <paramref name="status"/>: no finalizers, no flushing, no shutdown handlers.</summary>
    public static void ExitImmediately(int status) => ExitNative(status);

    /// <summary>This process's parent process id.</summary>
    public static int ParentPid() => GetParentPidNative();

    /// <summary>Sends <paramref name="signal"/>; false when the process does not exist.</summary>
    public static bool Signal(int pid, int signal) => KillNative(pid, signal) == 0;

    /// <summary>True when a process with this id exists (signal 0 probes without sending).</summary>
    public static bool IsAlive(int pid) => pid > 0 && KillNative(pid, 0) == 0;
}
