package dev.leadpipe.local.monitoring;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** What a screenshot shows, roughly: enough to tell that a row really is red, or that a page is not blank. */
public final class Pixels {
    private Pixels() {}

    public static BufferedImage read(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            if (image == null) {
                throw new IllegalArgumentException(png + " is not an image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fraction (0..1) of the PNG's pixels within {@code tolerance} (per channel, 0-255) of {@code rgb} (0xRRGGBB). */
    public static double fractionNear(Path png, int rgb, int tolerance) {
        return fractionNear(read(png), rgb, tolerance);
    }

    public static double fractionNear(BufferedImage image, int rgb, int tolerance) {
        long near = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (near(image.getRGB(x, y), rgb, tolerance)) {
                    near++;
                }
            }
        }
        return (double) near / ((long) image.getWidth() * image.getHeight());
    }

    /** The fraction of pixels that are not (near) white: 0 for a blank page. */
    public static double fractionNotWhite(Path png) {
        return 1 - fractionNear(png, 0xFFFFFF, 8);
    }

    static boolean near(int argb, int rgb, int tolerance) {
        return Math.abs(((argb >> 16) & 0xFF) - ((rgb >> 16) & 0xFF)) <= tolerance
                && Math.abs(((argb >> 8) & 0xFF) - ((rgb >> 8) & 0xFF)) <= tolerance
                && Math.abs((argb & 0xFF) - (rgb & 0xFF)) <= tolerance;
    }
}
