package io.cohort.deploy.plot;

import java.util.List;
import java.util.Locale;

/**
 * A small, dependency-free SVG line chart: one series of labelled points on a categorical x
 * axis and a linear y axis. Enough for the reports Cohort draws; accessible (title and desc).
 */
public final class LineChartSvg {

  /** One point: its x label and y value. */
  public record Point(String label, double value) {}

  private LineChartSvg() {}

  public static String render(String title, String xLabel, String yLabel, List<Point> points,
      double yMin, double yMax) {
    int width = 640;
    int height = 400;
    int left = 70;
    int right = 30;
    int top = 50;
    int bottom = 60;
    double plotW = width - left - right;
    double plotH = height - top - bottom;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"t d\">%n",
        width, height, width, height));
    svg.append("<title id=\"t\">").append(escape(title)).append("</title>\n");
    svg.append("<desc id=\"d\">");
    for (Point p : points) {
      svg.append(escape(p.label())).append(": ")
          .append(String.format(Locale.ROOT, "%.3f", p.value())).append("; ");
    }
    svg.append("</desc>\n");
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    svg.append(text(width / 2.0, 28, title, 18, "middle", "#111111"));
    // y grid and labels
    for (int i = 0; i <= 5; i++) {
      double v = yMin + (yMax - yMin) * i / 5;
      double y = top + plotH - plotH * i / 5;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
          + " stroke=\"#dddddd\"/>%n", left, y, left + plotW, y));
      svg.append(text(left - 8, y + 4, String.format(Locale.ROOT, "%.2f", v), 12, "end",
          "#333333"));
    }
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\""
        + " stroke=\"#333333\"/>%n", left, top, left, top + plotH));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
        + " stroke=\"#333333\"/>%n", left, top + plotH, left + plotW, top + plotH));
    // series
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      double x = left + (points.size() == 1 ? plotW / 2 : plotW * i / (points.size() - 1));
      double y = top + plotH - plotH * (clamp(points.get(i).value(), yMin, yMax) - yMin)
          / (yMax - yMin);
      path.append(i == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\""
          + " fill=\"#1f5fbf\"/>%n", x, y));
      svg.append(text(x, y - 12, String.format(Locale.ROOT, "%.3f", points.get(i).value()), 12,
          "middle", "#1f5fbf"));
      svg.append(text(x, top + plotH + 20, points.get(i).label(), 13, "middle", "#111111"));
    }
    svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f5fbf\""
        + " stroke-width=\"2.5\"/>\n");
    svg.append(text(left + plotW / 2, height - 14, xLabel, 14, "middle", "#111111"));
    svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" font-family=\"sans-serif\""
        + " font-size=\"14\" fill=\"#111111\" text-anchor=\"middle\" transform=\"rotate(-90 18"
        + " %.1f)\">%s</text>%n", top + plotH / 2, top + plotH / 2, escape(yLabel)));
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static String text(double x, double y, String s, int size, String anchor,
      String color) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-family=\"sans-serif\""
        + " font-size=\"%d\" fill=\"%s\" text-anchor=\"%s\">%s</text>%n", x, y, size, color,
        anchor, escape(s));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
