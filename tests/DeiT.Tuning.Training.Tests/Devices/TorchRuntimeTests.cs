using DeiT.Tuning.Training.Devices;
using TorchSharp;

namespace DeiT.Tuning.Training.Tests.Devices;

public class TorchRuntimeTests
{
    [Theory]
    [InlineData("cpu", DeviceType.CPU, -1)]
    [InlineData("CPU:1", DeviceType.CPU, -1)]
    [InlineData("cuda", DeviceType.CUDA, 0)]
    [InlineData("cuda:3", DeviceType.CUDA, 3)]
    public void Parses_device_names(string name, DeviceType type, int index) =>
        Assert.Equal((type, index), TorchRuntime.Parse(name));

    [Theory]
    [InlineData("gpu0")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    public void Rejects_unknown_device_names_naming_the_accepted_forms(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.Parse(name));
        Assert.Contains("cuda:N", e.Message);
    }

    [Fact]
    public void Cpu_resolves_without_cuda() => Assert.Equal(DeviceType.CPU, TorchRuntime.Resolve("cpu").type);

    [Fact]
    public void Cuda_on_a_cpu_only_build_is_a_bad_device_argument_with_the_fix()
    {
        if (torch.cuda.is_available()) return; // a GPU host: nothing to check here
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.Resolve("cuda:0"));
        Assert.Contains("TorchBackend=cuda", e.Message);
    }
}
