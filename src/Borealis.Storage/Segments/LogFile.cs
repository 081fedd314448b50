namespace Borealis.Storage.Segments;

/// <summary>One open log file of a segment; frames are appended at <see cref="Length"/>.</summary>
internal sealed class LogFile(string name, ulong number, IStorageFile file, long length)
{
    public string Name { get; } = name;

    public ulong Number { get; } = number;

    public IStorageFile File { get; } = file;

    public long Length { get; set; } = length;
}
