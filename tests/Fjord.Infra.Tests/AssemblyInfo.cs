using System.Runtime.Versioning;

// The Bicep package is the Linux x64 compiler, and the checks read Unix file modes: these tests run on Linux only.
[assembly: SupportedOSPlatform("linux")]
