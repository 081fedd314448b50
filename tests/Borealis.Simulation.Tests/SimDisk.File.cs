using Borealis.Storage;

namespace Borealis.Simulation.Tests;

public sealed partial class SimDisk
{
    static int s_nextInode;

    /// <summary>A file's bytes. Bytes past <see cref="Length"/> are always zero.</summary>
    sealed class Inode
    {
        public readonly int Id = Interlocked.Increment(ref s_nextInode);
        public byte[] Data = [];
        public long Length;
        public readonly List<PendingWrite> Pending = [];

        public void EnsureCapacity(long length)
        {
            if (length <= Data.Length)
                return;
            long capacity = Math.Max(length, Math.Max(256, (long)Data.Length * 2));
            Array.Resize(ref Data, checked((int)capacity));
        }

        public void SetLength(long length)
        {
            if (length < Length)
                Data.AsSpan((int)length, (int)(Length - length)).Clear();
            else
                EnsureCapacity(length);
            Length = length;
        }
    }

    /// <summary>An unsynced change: a write (<see cref="NewBytes"/> at <see cref="Offset"/>) or a length change (NewBytes null).</summary>
    sealed record PendingWrite(long Offset, byte[]? NewBytes, long NewLength, byte[] OldBytes, long OldLength)
    {
        public void Undo(Inode inode)
        {
            if (NewBytes is null)
            {
                inode.SetLength(OldLength);
                OldBytes.CopyTo(inode.Data.AsSpan((int)Math.Min(NewLength, OldLength)));
                return;
            }
            OldBytes.CopyTo(inode.Data.AsSpan((int)Offset));
            inode.SetLength(OldLength);
        }

        /// <summary>Applies <paramref name="length"/> bytes of the write from <paramref name="start"/> (all of a length change).</summary>
        public void Redo(Inode inode, int start, int length)
        {
            if (NewBytes is null)
            {
                inode.SetLength(NewLength);
                return;
            }
            length = Math.Min(length, NewBytes.Length - start);
            if (length <= 0)
                return;
            long end = Offset + start + length;
            if (end > inode.Length)
                inode.SetLength(end);
            NewBytes.AsSpan(start, length).CopyTo(inode.Data.AsSpan((int)(Offset + start)));
        }
    }

    sealed class SimFile(SimDisk disk, Inode inode, string name) : IStorageFile
    {
        readonly int _generation = disk._generation;
        bool _disposed;

        public long Length
        {
            get
            {
                Check();
                return inode.Length;
            }
        }

        public int Read(long offset, Span<byte> destination)
        {
            Check();
            disk.MaybeFail("read", name);
            if (offset >= inode.Length)
                return 0;
            int count = (int)Math.Min(destination.Length, inode.Length - offset);
            inode.Data.AsSpan((int)offset, count).CopyTo(destination);
            return count;
        }

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            Check();
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            disk.MaybeFail("write", name);
            if (source.IsEmpty)
                return;
            long oldLength = inode.Length;
            long end = offset + source.Length;
            inode.EnsureCapacity(end);
            // Old bytes of the whole range (zeros past the old end), so undo restores them exactly.
            var oldBytes = inode.Data.AsSpan((int)offset, source.Length).ToArray();
            inode.Pending.Add(new PendingWrite(offset, source.ToArray(), end, oldBytes, oldLength));
            source.CopyTo(inode.Data.AsSpan((int)offset));
            if (end > inode.Length)
                inode.Length = end;
        }

        public void SetLength(long length)
        {
            Check();
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            long oldLength = inode.Length;
            var oldBytes = length < oldLength ? inode.Data.AsSpan((int)length, (int)(oldLength - length)).ToArray() : [];
            inode.Pending.Add(new PendingWrite(0, null, length, oldBytes, oldLength));
            inode.SetLength(length);
        }

        public void Sync()
        {
            Check();
            disk.MaybeFail("sync", name);
            inode.Pending.Clear();
        }

        public void Dispose() => _disposed = true;

        void Check()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            disk.CheckHandle(_generation, name);
        }
    }
}
