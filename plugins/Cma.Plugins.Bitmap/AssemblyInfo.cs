using System.Runtime.CompilerServices;

// Every method of this module skips the JIT's zeroing of its locals. Safe because no method reads a local before
// writing it (C# rules) or uses stackalloc; it saves a few 64-byte stores per call in TryAllocate and Free, whose
// inlined helpers make large frames. (The attribute needs AllowUnsafeBlocks, see the project file.)
[module: SkipLocalsInit]
