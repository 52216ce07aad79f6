using System.Runtime.InteropServices;
using TorchSharp;

namespace DeiT.Tuning.Training.Devices;

/// <summary>
/// Maps the platform's device names ("cpu", "cuda", "cuda:N") onto TorchSharp devices and prepares the native
/// backend: an external libtorch (e.g. a Python install's torch/lib, named by DEIT_TUNE_LIBTORCH) is loaded before
/// TorchSharp's own probe, CUDA is initialized, and TF32 matmuls are enabled on CUDA (TorchSharp leaves them off).
/// </summary>
public static class TorchRuntime
{
    public const string ExternalLibTorchVariable = "DEIT_TUNE_LIBTORCH";

    static readonly object Gate = new();
    static bool _externalLoaded;
    static bool _cudaReady;

    /// <summary>Parses a device name; throws <see cref="ArgumentException"/> naming the accepted forms.</summary>
    public static (DeviceType Type, int Index) Parse(string device)
    {
        var text = device.Trim().ToLowerInvariant();
        if (text == "cpu" || text.StartsWith("cpu:", StringComparison.Ordinal)) return (DeviceType.CPU, -1);
        if (text == "cuda") return (DeviceType.CUDA, 0);
        if (text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text[5..], out var index) && index >= 0)
            return (DeviceType.CUDA, index);
        throw new ArgumentException($"device '{device}' is not understood: use cpu, cuda or cuda:N (N ≥ 0)");
    }

    /// <summary>The TorchSharp device for a device name, with the backend initialized for it.</summary>
    public static torch.Device Resolve(string device)
    {
        var (type, index) = Parse(device);
        LoadExternalLibTorch();
        if (type == DeviceType.CPU) return torch.CPU;
        EnsureCuda();
        var count = torch.cuda.device_count();
        if (index >= count)
            throw new ArgumentException($"device '{device}' does not exist: this host has {count} CUDA device(s)");
        return new torch.Device(DeviceType.CUDA, index);
    }

    /// <summary>Whether a CUDA device has bf16 tensor cores (compute capability 8.0 or newer).</summary>
    public static bool CudaSupportsBf16(torch.Device device) =>
        device.type == DeviceType.CUDA && CudaCapability.TryGetMajor(device.index < 0 ? 0 : device.index) >= 8;

    static void EnsureCuda()
    {
        lock (Gate)
        {
            if (_cudaReady) return;
            if (!torch.cuda.is_available())
                throw new ArgumentException(
                    "CUDA is not available in this build: build with -p:TorchBackend=cuda (TorchSharp-cuda-linux) or point " +
                    $"{ExternalLibTorchVariable} at a CUDA libtorch (e.g. python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+\"/lib\")')");
            // TF32 on until a run's precision says otherwise (PrecisionChoice.ApplyMatmulMode).
            torch.backends.cuda.matmul.allow_tf32 = true;
            torch.backends.cudnn.allow_tf32 = true;
            _cudaReady = true;
        }
    }

    /// <summary>Loads libtorch from DEIT_TUNE_LIBTORCH (a lib folder) once, before TorchSharp probes its own copy.</summary>
    public static void LoadExternalLibTorch()
    {
        lock (Gate)
        {
            if (_externalLoaded) return;
            _externalLoaded = true;
            var dir = Environment.GetEnvironmentVariable(ExternalLibTorchVariable);
            if (string.IsNullOrEmpty(dir)) return;
            if (!Directory.Exists(dir))
                throw new DirectoryNotFoundException($"{ExternalLibTorchVariable}={dir}: no such folder (expected libtorch's lib/ folder)");
            // Order matters: each library's dependencies first, so the loader finds them by soname.
            foreach (var name in new[] { "libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so" })
            {
                var path = Path.Combine(dir, name);
                if (File.Exists(path)) NativeLibrary.Load(path);
            }
        }
    }
}
