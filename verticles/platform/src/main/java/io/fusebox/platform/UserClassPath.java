package io.fusebox.platform;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The class loader of the user's verticles: every jar in {@code lib/}, then {@code --classpath}. */
final class UserClassPath {

  private UserClassPath() {
  }

  /** @throws IOException when {@code lib/} cannot be listed or a {@code --classpath} entry cannot be read */
  static ClassLoader of(Path libDir, String classpath) throws IOException {
    List<URL> urls = new ArrayList<>();
    if (Files.isDirectory(libDir)) {
      try (Stream<Path> jars = Files.list(libDir)) {
        for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
          urls.add(url(jar));
        }
      }
    }
    if (classpath != null && !classpath.isBlank()) {
      for (String entry : classpath.split(File.pathSeparator)) {
        if (!Files.isReadable(Path.of(entry))) {
          throw new IOException("--classpath: " + entry + " cannot be read (expected a jar or a directory of classes)");
        }
        urls.add(url(Path.of(entry)));
      }
    }
    return urls.isEmpty() ? UserClassPath.class.getClassLoader()
        : new URLClassLoader(urls.toArray(URL[]::new), UserClassPath.class.getClassLoader());
  }

  private static URL url(Path path) throws MalformedURLException {
    return path.toAbsolutePath().toUri().toURL();
  }
}
