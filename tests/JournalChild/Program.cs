using System.IO.MemoryMappedFiles;
using Cma.JournalChild;
using Cma.Runtime.Persistence;

// JournalChild JOURNAL DATA REGION_SIZE SEED FLUSH(0|1)
// Opens the journal of a region over DATA (memory-mapped, shared), prints "R <restored count>", then allocates and
// frees at random until killed. An allocation writes its pattern into the chunk's bytes, prints its intent "a <offset>",
// journals it, THEN prints "A <offset> <size> <requested> <tag> <owner index>"; a free prints "f <offset>", journals
// it, THEN prints "F <offset>". The intent lines tell the test which one operation may have landed unacknowledged.
if (args[0] == "host")
    return HostMode.Run(args[1], int.Parse(args[2]));
string journalPath = args[0], dataPath = args[1];
ulong regionSize = ulong.Parse(args[2]);
int seed = int.Parse(args[3]);
var flush = args[4] == "1" ? ChunkJournalFlush.FlushEachChange : ChunkJournalFlush.OsBuffered;
using var map = MemoryMappedFile.CreateFromFile(dataPath, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
using var view = map.CreateViewAccessor(0, (long)regionSize);
using var journal = ChunkJournal.Open(journalPath, JournalPattern.Identity(regionSize), flush, out ChunkJournalRecovery recovery);
var live = new SortedList<ulong, ulong>();   // offset → reserved size
foreach (PersistedChunk chunk in recovery.Chunks)
    live.Add(chunk.Offset, chunk.Size);
var output = Console.Out;
output.WriteLine($"R {live.Count}");
output.Flush();
var random = new Random(seed);
unsafe
{
    byte* memory = null;
    view.SafeMemoryMappedViewHandle.AcquirePointer(ref memory);
    for (ulong operation = 0; ; operation++)
    {
        bool free = live.Count > 0 && (live.Count >= 48 || random.Next(100) < 45);
        ulong requested = 8 + (ulong)random.Next(4096);
        ulong size = (requested + JournalPattern.Granule - 1) & ~(JournalPattern.Granule - 1);
        ulong? offset = free ? null : FirstFit(live, size, regionSize);
        if (offset is not { } at)
        {
            ulong victim = live.Keys[random.Next(live.Count)];
            output.WriteLine($"f {victim}");
            output.Flush();
            journal.RecordFree(victim);
            live.Remove(victim);
            output.WriteLine($"F {victim}");
            output.Flush();
            continue;
        }
        ulong tag = ((ulong)(uint)seed << 32) | (operation & 0xFFFF_FFFF);
        int owner = random.Next(JournalPattern.Owners.Length);
        JournalPattern.Fill(new Span<byte>(memory + at, (int)requested), tag);
        output.WriteLine($"a {at}");
        output.Flush();
        journal.RecordAllocate(at, size, requested, JournalPattern.Owners[owner], (PersistedChunkKind)(operation % 3));
        live.Add(at, size);
        output.WriteLine($"A {at} {size} {requested} {tag} {owner}");
        output.Flush();
    }
}

// The lowest offset with a gap of size bytes.
static ulong? FirstFit(SortedList<ulong, ulong> live, ulong size, ulong regionSize)
{
    ulong cursor = 0;
    foreach ((ulong offset, ulong reserved) in live)
    {
        if (offset - cursor >= size)
            return cursor;
        cursor = offset + reserved;
    }
    return regionSize - cursor >= size ? cursor : null;
}
