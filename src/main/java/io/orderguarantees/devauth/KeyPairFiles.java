package io.orderguarantees.devauth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * An RSA key pair in a folder, as PEM files: {@code privateKey.pem} (PKCS#8) signs tokens, {@code publicKey.pem}
 * (X.509 SubjectPublicKeyInfo) is what {@code mp.jwt.verify.publickey.location} points at. Made on first use where
 * it is needed (dev mode's {@code target/dev-jwt}, the tests' {@code target/}), never committed: no key that prod
 * would trust is in the repository.
 */
public record KeyPairFiles(Path folder) {

    public Path publicKey() {
        return folder.resolve("publicKey.pem");
    }

    public Path privateKey() {
        return folder.resolve("privateKey.pem");
    }

    /**
     * Creates the pair unless the folder has one. Both files are written in a folder of their own that is then renamed
     * into place in one step: several JVMs racing for it end up with one and the same pair, never half of two.
     */
    public KeyPairFiles ensure() {
        if (Files.exists(publicKey())) {
            return this;
        }
        Path partial = null;
        try {
            Files.createDirectories(folder.toAbsolutePath().getParent());
            partial = Files.createTempDirectory(folder.toAbsolutePath().getParent(), folder.getFileName() + ".");
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            write(partial.resolve(privateKey().getFileName()), "PRIVATE KEY", pair.getPrivate().getEncoded());
            write(partial.resolve(publicKey().getFileName()), "PUBLIC KEY", pair.getPublic().getEncoded());
            Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
            partial = null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key pair generation failed", e);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException another) {
            // another JVM got there first: its pair is the one
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(partial);
        }
        return this;
    }

    public PrivateKey readPrivateKey() {
        try {
            String pem = Files.readString(privateKey()).replaceAll("-----[A-Z ]+-----|\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(pem)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(privateKey() + " is no RSA private key", e);
        }
    }

    private static void write(Path file, String type, byte[] der) throws IOException {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n");
    }

    private static void deleteQuietly(Path partial) {
        if (partial == null) {
            return;
        }
        try (var files = Files.list(partial)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            // a leftover folder next to the keys harms nothing
        }
    }
}
