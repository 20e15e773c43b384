using System.Runtime.CompilerServices;

// Every method of this module skips the JIT's zeroing of its locals. Safe because no method reads a local before
// writing it (C# rules) or uses stackalloc; TryAllocate and Free inline their list and boundary helpers, which makes
// large frames. (The attribute needs AllowUnsafeBlocks, see the project file.)
[module: SkipLocalsInit]
