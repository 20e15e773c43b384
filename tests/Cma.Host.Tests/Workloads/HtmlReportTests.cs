using System.Xml;
using System.Xml.Linq;
using Cma.Host.Reports;
using Cma.Host.Workloads;
using static Cma.Host.Tests.Workloads.WorkloadTestKit;

namespace Cma.Host.Tests.Workloads;

public class HtmlReportTests
{
    [Fact]
    public void The_report_parses_and_has_one_chart_per_allocator_and_occupancy_maps()
    {
        TraceFile file = TraceFile.Open(WriteTemp("t.trace", "# region 16K\na a 8K\na b 4K\nf a\na d 12K\na e 4K\n"));
        TraceProfile profile = TraceProfile.Measure(file, 4096);
        AllocatorCandidate[] candidates = [new("first-fit", new FirstFitProvider()), new("first-fit-2", new FirstFitProvider())];
        var settings = new ComparisonSettings { RegionSize = 16 << 10, Occupancy = true };
        List<ReplayResult> results = WorkloadComparison.Run(file, profile, candidates, settings);

        string html = HtmlReport.Render(HtmlReport.ForComparison(new WorkloadComparisonReport(file, profile, settings, results)));
        XDocument doc = Parse(html);

        XElement[] charts = [.. doc.Descendants("svg").Where(e => (string?)e.Attribute("class") == "chart")];
        Assert.Equal(["first-fit", "first-fit-2"], charts.Select(c => (string?)c.Attribute("data-lane")));
        Assert.Equal(4, doc.Descendants("svg").Count(e => (string?)e.Attribute("class") == "occupancy"));
        Assert.Contains("first failure", html);
    }

    private static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }
}
