namespace Borealis.Engine.Vfs;

/// <summary>
/// Our subclass of the native <c>sqlite3_file</c>: SQLite allocates <c>szOsFile</c> bytes, the first field is the
/// method table, the second a <see cref="System.Runtime.InteropServices.GCHandle"/> to the managed <see cref="VfsFile"/>.
/// </summary>
internal unsafe struct Sqlite3File
{
    public Sqlite3IoMethods* PMethods;
    public IntPtr Handle;
}
