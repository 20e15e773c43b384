namespace Cma.Host.Workloads;

/// <summary>The per-device side of <see cref="MapReplay"/>: which row an allocation counts in, and how a refused request
/// is recorded there.</summary>
internal sealed partial class MapReplay
{
    /// <summary>Where allocation <paramref name="next"/> goes (its device and type, or <paramref name="region"/>) and its row.</summary>
    private DeviceReplayRow Target(in TraceOp next, string? region, out string? who, out string? what)
    {
        who = next.Device ?? _target.Device;
        what = next.Device is null ? _target.Type : next.Type;
        if (who is null && region is null)
            throw new TraceFormatException(_target.Trace, next.Line, "the operation names no @device; give --device NAME (and --type) or --region NAME for traces without devices.");
        return Row(region is null ? who! : "region:" + region, region is null ? what : null);
    }

    /// <summary>The row of <paramref name="device"/>/<paramref name="type"/>, added on its first request.</summary>
    private DeviceReplayRow Row(string device, string? type)
    {
        if (!_rows.TryGetValue((device, type), out DeviceReplayRow? row))
        {
            row = new DeviceReplayRow(device, type);
            _rows.Add((device, type), row);
            _result.Devices.Add(row);
        }
        return row;
    }

    /// <summary>Allocation <paramref name="op"/> failed with <paramref name="outcome"/>: counted per device, and with a
    /// report, the occupancy of each region it could have gone to.</summary>
    private void Refused(in TraceOp next, long op, CmaOutcome outcome, DeviceReplayRow row, string? who, string? what)
    {
        _slots.Set(next.Slot, 0, 0, 0);
        if (row.FirstFailureOp == 0)
        {
            row.FirstFailureOp = op;
            row.FirstFailureLine = next.Line;
        }
        if (_occupancy is not null && outcome == CmaOutcome.NoSpace)
        {
            IReadOnlyList<string>? candidates = _target.RegionList ?? _service.Map.FindRegions(who!, what);
            foreach (string name in candidates ?? [])
            {
                if (_regionIndex.TryGetValue(name, out int c))
                    _occupancy.Failed(c, op, _describe);
            }
        }
        switch (outcome)
        {
            case CmaOutcome.NoMatchingRule: row.NoMatchingRule++; break;
            case CmaOutcome.AllRegionsFenced: row.AllRegionsFenced++; break;
            case CmaOutcome.Pinned: row.Pinned++; break;
            case CmaOutcome.NoRoomToMigrate: row.NoRoomToMigrate++; break;
            case CmaOutcome.MoverFailed: row.MoverFailed++; break;
            default: row.NoSpace++; break;
        }
    }
}
