using Borealis.Common;
using Borealis.Storage.Protocol;
using Borealis.Storage.Segments;

namespace Borealis.Storage;

public sealed partial class StorageNodeCore
{
    /// <summary>
    /// Handles one request. The reply goes through <see cref="IStorageNodeHost.Reply"/>, at once or, for writes,
    /// from the next <see cref="Flush"/> once they are durable.
    /// </summary>
    public void Handle(RequestContext context, StorageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_opened)
            throw new InvalidOperationException("Open the node first.");
        if (_failure is not null)
        {
            _host.Reply(context, Error(StorageStatus.Failed, "The node failed."));
            return;
        }
        StorageResponse? response;
        try
        {
            response = request switch
            {
                AppendRequest append => HandleAppend(context, append),
                GetPageRequest getPage => HandleGetPage(getPage),
                ReadLogRequest readLog => HandleReadLog(readLog),
                ReadImagesRequest readImages => HandleReadImages(readImages),
                GetMapRequest => new MapResponse(_map),
                SetMapRequest setMap => HandleSetMap(setMap),
                GetStatusRequest => GetStatus(),
                _ => Error(StorageStatus.BadRequest, $"Unknown request {request.GetType().Name}."),
            };
        }
        catch (IOException e)
        {
            Fail(e);
            response = Error(StorageStatus.Failed, "The node failed.");
        }
        if (response is not null)
            _host.Reply(context, response);
    }

    /// <summary>The epoch and membership checks every segment request goes through.</summary>
    ErrorResponse? CheckSegment(VolumeEpoch epoch, uint group, out Segment segment)
    {
        segment = null!;
        if (CheckEpoch(epoch) is { } error)
            return error;
        if (group >= (uint)_map!.Groups.Length)
            return Error(StorageStatus.UnknownEpoch, $"The node's map (epoch {_map.Epoch}, version {_map.Version}) does not know this.");
        if (!_segments.TryGetValue(group, out segment!))
            return Error(StorageStatus.NotMember, $"The node hosts no segment of group {group}.");
        return null;
    }

    ErrorResponse? CheckEpoch(VolumeEpoch epoch)
    {
        if (_map is null)
            return Error(StorageStatus.UnknownEpoch, "The node has no volume map yet.");
        if (epoch < _map.Epoch)
            return Error(StorageStatus.StaleEpoch, $"Epoch {epoch} is older than the node's {_map.Epoch}.");
        if (epoch > _map.Epoch)
            return Error(StorageStatus.UnknownEpoch, $"Epoch {epoch} is newer than the node's map (epoch {_map.Epoch}).");
        return null;
    }

    /// <summary>Stores the frames in one write to the node log (no fsync) and defers the reply to the next flush; null when deferred.</summary>
    ErrorResponse? HandleAppend(RequestContext context, AppendRequest request)
    {
        if (CheckEpoch(request.Epoch) is { } epochError)
            return epochError;
        var groups = new List<uint>();
        foreach (var frame in request.Frames)
        {
            if (CheckSegment(request.Epoch, frame.Group, out _) is { } error)
                return error;
            if (frame.Epoch > request.Epoch)
                return Error(StorageStatus.BadRequest, "A frame's epoch is above the request's.");
            if (Validate(frame) is { } problem)
                return Error(StorageStatus.BadRequest, problem);
            if (!groups.Contains(frame.Group))
                groups.Add(frame.Group);
        }

        NoteKnownDurable(request.DurableLsn, request.PageCountAtDurable);
        if (request.ReadHorizon > _readHorizon)
            _readHorizon = request.ReadHorizon;
        var frames = new List<(Segment, SegmentFrame)>(request.Frames.Count);
        foreach (var frame in request.Frames)
            frames.Add((_segments[frame.Group], frame));
        StoreFrames(frames);
        _deferred.Add(new DeferredReply(context, groups));
        return null;
    }

    StorageResponse HandleGetPage(GetPageRequest request)
    {
        if (CheckSegment(request.Epoch, request.Group, out var segment) is { } error)
            return error;
        if (!InGroup(request.Page, request.Group))
            return Error(StorageStatus.BadRequest, $"Page {request.Page} is not in group {request.Group}.");
        if (segment.Hydration is not null || segment.Scl < request.RequiredScl)
            return Error(StorageStatus.NotCaughtUp, $"Segment {request.Group} is complete to {segment.Scl}, not {request.RequiredScl}.");
        if (request.AsOf < segment.Base)
            return Error(StorageStatus.TooOld, $"Segment {request.Group} keeps versions from {segment.Base}.");
        if (!TryMaterialize(segment, request.Page, request.AsOf, out var version, out var image))
            return Error(StorageStatus.Corrupt, $"Page {request.Page} failed its checksum; the segment is being repaired.");
        return new PageResponse(version, image);
    }

    StorageResponse HandleReadLog(ReadLogRequest request)
    {
        if (CheckSegment(request.Epoch, request.Group, out var segment) is { } error)
            return error;
        var frames = segment.Frames;
        int start = segment.IndexAfter(request.After.Value);
        if (start > 0 && frames[start - 1].Frame.Last > request.After)
            start--;

        var tail = segment.Base <= request.After ? segment.Base : Lsn.Zero;
        for (int i = start - 1; i >= 0; i--)
        {
            if (frames[i].Frame.Last <= request.After)
            {
                tail = frames[i].Frame.Last;
                break;
            }
        }

        var result = new List<SegmentFrame>();
        long bytes = 0;
        bool more = false;
        for (int i = start; i < frames.Count; i++)
        {
            if (result.Count > 0 && bytes + frames[i].Length > request.MaxBytes)
            {
                more = true;
                break;
            }
            result.Add(frames[i].Frame);
            bytes += frames[i].Length;
        }
        return new ReadLogResponse(request.Group, segment.Scl, tail, segment.Base, _knownDurable, _pageCountAtKnownDurable, result, more);
    }

    StorageResponse HandleReadImages(ReadImagesRequest request)
    {
        if (CheckSegment(request.Epoch, request.Group, out var segment) is { } error)
            return error;
        if (segment.Hydration is not null || segment.Fresh)
            return Error(StorageStatus.NotCaughtUp, $"Segment {request.Group} is hydrating.");
        // Asked for "any": images at the newest chain position the writer said is durable. Above it a frame may
        // still be voided by a truncation, and a base built from images cannot drop it.
        var asOf = request.AsOf == Lsn.Zero
            ? Lsn.Max(segment.Base, segment.ChainPositionAtOrBelow(Lsn.Min(segment.Scl, _knownDurable)))
            : request.AsOf;
        if (asOf < segment.Base)
            return Error(StorageStatus.TooOld, $"Segment {request.Group} keeps versions from {segment.Base}.");
        if (asOf > segment.Scl)
            return Error(StorageStatus.NotCaughtUp, $"Segment {request.Group} is complete to {segment.Scl}, not {asOf}.");

        var pages = segment.PagesAt(asOf);
        var images = new List<PageImage>();
        var next = new PageId(0);
        foreach (var page in pages)
        {
            if (page < request.FromPage)
                continue;
            if (images.Count >= Math.Max(1, request.MaxPages))
            {
                next = page;
                break;
            }
            if (!TryMaterialize(segment, page, asOf, out var version, out var image))
                return Error(StorageStatus.Corrupt, $"Page {page} failed its checksum; the segment is being repaired.");
            images.Add(new PageImage(page, version, image));
        }
        return new ReadImagesResponse(request.Group, asOf, images, next);
    }

    StorageResponse HandleSetMap(SetMapRequest request)
    {
        var map = request.Map;
        if (map is null || map.PageSize <= 0 || map.PagesPerGroup == 0)
            return Error(StorageStatus.BadRequest, "Malformed map.");
        if (_map is not null)
        {
            if (map.VolumeId != _map.VolumeId || map.PageSize != _map.PageSize || map.PagesPerGroup != _map.PagesPerGroup)
                return Error(StorageStatus.BadRequest, "The map belongs to another volume.");
            if (map.Epoch < _map.Epoch)
                return Error(StorageStatus.StaleEpoch, $"Epoch {map.Epoch} is older than the node's {_map.Epoch}.");
            if (_map.ConflictsWith(map))
                return Error(StorageStatus.StaleEpoch, $"Epoch {map.Epoch} belongs to another writer.");
        }
        if (map.IsNewerThan(_map))
            AdoptMap(map);
        return new OkResponse();
    }
}
