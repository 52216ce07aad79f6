using DeiT.Tuning.Cli.Cluster;

namespace DeiT.Tuning.Cli.Tests.Cluster;

public sealed class StudyNameHintTests
{
    [Theory]
    [InlineData("paper", "paper", 0)]
    [InlineData("papr", "paper", 1)]
    [InlineData("Paper", "paper", 0)]
    [InlineData("fashoin", "fashion", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_counts_edits(string a, string b, int edits) => Assert.Equal(edits, StudyNameHint.Distance(a, b));

    [Fact]
    public void A_close_name_is_suggested()
    {
        Assert.StartsWith("did you mean 'fashion'?", StudyNameHint.For("fashoin", ["paper", "fashion", "fashion-2"]));
        Assert.StartsWith("did you mean 'paper'?", StudyNameHint.For("papr", ["paper", "fashion"]));
    }

    [Fact]
    public void Without_a_close_name_the_studies_are_listed_in_order()
    {
        Assert.Equal("its studies: fashion, paper (`deit-tune studies`)", StudyNameHint.For("cifar", ["paper", "fashion"]));
        var many = Enumerable.Range(0, 11).Select(i => $"study-{i:00}").ToList();
        Assert.EndsWith("study-07 and 3 more (`deit-tune studies`)", StudyNameHint.For("other", many));
    }

    [Fact]
    public void With_no_studies_it_says_how_to_start_one() =>
        Assert.Contains("`deit-tune search start --study s1 …`", StudyNameHint.For("s1", []));
}
